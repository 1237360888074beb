import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { createLogger } from '../lib/logger.js';
import { discoverFeeds, type FeedSource } from '../subgraphs/findings/src/intel/feed-source.js';
import { FEEDS, type FeedName } from '../subgraphs/findings/src/intel/intel.entity.js';
import { IntelSyncService } from '../subgraphs/findings/src/intel/intel-sync.service.js';

/**
 * `npm run intel:sync -- --from <dir>` loads every feed found in a folder laid out like the
 * published snapshots (kev/, epss/, attack/, d3fend/, cwe/); `--kev <file|url>`, `--epss …`,
 * `--attack …`, `--d3fend …`, `--attack-d3fend …`, `--cwe …` name feeds one by one (and win over
 * --from). `--force` reloads unchanged files. Exit 1 if any feed was rejected (the others load).
 */
const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    force: { type: 'boolean', default: false },
    ...Object.fromEntries(FEEDS.map((f) => [f, { type: 'string' as const }])),
  },
  allowPositionals: false,
});
const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('DATABASE_URL is required (the database the findings subgraph uses)\n');
  process.exit(2);
}
const sources = new Map<FeedName, FeedSource>();
if (values.from) {
  if (/^https?:\/\//i.test(values.from)) {
    process.stderr.write('--from takes a folder; give URLs per feed: --kev <url> --epss <url> …\n');
    process.exit(2);
  }
  for (const s of await discoverFeeds(values.from)) sources.set(s.feed, s);
}
for (const feed of FEEDS) {
  const location = (values as Record<string, unknown>)[feed];
  if (typeof location === 'string') sources.set(feed, { feed, location });
}
if (sources.size === 0) {
  process.stderr.write('usage: npm run intel:sync -- --from <dir> | --kev <file|url> --epss <file|url> … [--force]\n');
  process.exit(2);
}
const log = createLogger('intel-sync', process.env.LOG_LEVEL ?? 'warn');
const started = performance.now();
const results = await new IntelSyncService(url, log).sync([...sources.values()], { force: values.force ?? false });
for (const r of results) {
  const rescore = r.rescored !== undefined ? `; ${r.rescored} findings rescored, ${r.changes ?? 0} changes announced` : '';
  const detail =
    r.outcome === 'loaded' ? `${r.version} (${r.dataDate ?? 'no date'}), ${r.records} records${rescore}` : r.outcome === 'rejected' ? r.error : 'same file as loaded';
  process.stdout.write(`${r.feed.padEnd(14)} ${r.outcome.padEnd(9)} ${String(r.ms).padStart(6)} ms  ${detail}\n`);
}
// maxRSS is in KiB on Linux.
process.stdout.write(`total ${Math.round(performance.now() - started)} ms, peak memory ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB\n`);
process.exit(results.some((r) => r.outcome === 'rejected') ? 1 : 0);
