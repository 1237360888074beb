import { PgBoss } from 'pg-boss';
import type { Logger } from '../../../../lib/logger.js';
import { discoverFeeds, type FeedSource } from './feed-source.js';
import { IntelSyncService } from './intel-sync.service.js';

/** The queue of scheduled intel refreshes. */
export const INTEL_SYNC_QUEUE = 'intel-sync';

export interface IntelRefreshOptions {
  databaseUrl: string;
  /** A folder laid out like the published feeds, read at every run. */
  from: string;
  /** When to refresh (cron, UTC); pg-boss sends one job per slot however many workers run. */
  cron: string;
  log: Logger;
}

/** Runs one refresh: every feed found in the folder; unchanged files are skipped. */
export async function refreshIntel(databaseUrl: string, from: string, log: Logger): Promise<void> {
  const sources: FeedSource[] = await discoverFeeds(from);
  if (sources.length === 0) throw new Error(`intel refresh: no feed files found in ${from}`);
  const results = await new IntelSyncService(databaseUrl, log).sync(sources);
  log.info({ results: results.map((r) => ({ feed: r.feed, outcome: r.outcome, version: r.version, error: r.error })) }, 'intel refresh done');
}

/**
 * The scheduled intel refresh, hosted by workers: the schedule lives in pg-boss (shared by every
 * worker), each slot's job is handled by one of them, retried on failure. A rejected feed leaves
 * the loaded data in force (IntelSyncService) and does not fail the job; an unreadable folder does.
 */
export async function startIntelRefresh(opts: IntelRefreshOptions): Promise<{ boss: PgBoss; close(): Promise<void> }> {
  const boss = new PgBoss({ connectionString: opts.databaseUrl, schema: 'pgboss', max: 2, supervise: false, schedule: true });
  boss.on('error', (err: Error) => opts.log.error({ err: err.message }, 'intel refresh queue error'));
  await boss.start();
  if (!(await boss.getQueue(INTEL_SYNC_QUEUE))) {
    await boss.createQueue(INTEL_SYNC_QUEUE, { retryLimit: 3, retryDelay: 60, retryBackoff: true }).catch(async (err: unknown) => {
      if (!(await boss.getQueue(INTEL_SYNC_QUEUE))) throw err;
    });
  }
  await boss.schedule(INTEL_SYNC_QUEUE, opts.cron, { from: opts.from }, { tz: 'UTC' });
  await boss.work<{ from?: string }>(INTEL_SYNC_QUEUE, { batchSize: 1, pollingIntervalSeconds: 5 }, async ([job]) => {
    if (!job) return;
    await refreshIntel(opts.databaseUrl, job.data.from ?? opts.from, opts.log);
  });
  opts.log.info({ cron: opts.cron, from: opts.from }, 'intel refresh scheduled');
  return { boss, close: () => boss.stop({ graceful: true, timeout: 10_000 }) };
}
