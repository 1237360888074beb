import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startEmbeddedPostgres } from '../lib/db/embedded.js';
import { migrateModule, openModuleOrm } from '../lib/db/orm.js';
import { createLogger } from '../lib/logger.js';
import { freePort } from '../lib/net/free-port.js';
import { REPO_ROOT } from '../lib/paths.js';
import pg from 'pg';
import { rescoreCveFindings } from '../subgraphs/findings/src/finding/finding-score.repository.js';
import { findingsDb } from '../subgraphs/findings/src/module.js';

const run = promisify(execFile);

/**
 * A full intel sync of the real snapshots (`../shared/data/`) into an empty store, as an operator
 * runs it (`intel:sync --from`), then the same again (every feed unchanged: the baseline of reading
 * and hashing the files): time per feed, total time and the process's peak memory.
 */
export async function intelSyncBench(): Promise<void> {
  const data = path.resolve(REPO_ROOT, '..', 'shared', 'data');
  if (!existsSync(data)) {
    console.log('\n## Intel sync: skipped, ../shared/data is absent');
    return;
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-bench-intel-'));
  const db = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), database: 'intel', log: createLogger('bench', 'warn') });
  try {
    const orm = await openModuleOrm(findingsDb, { url: db.url, poolMax: 2 });
    await migrateModule(orm, db.url);
    await orm.close();
    const sync = async (): Promise<string> =>
      (await run(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli', 'intel-sync.js'), '--from', data], { env: { ...process.env, DATABASE_URL: db.url }, maxBuffer: 1 << 20 })).stdout;
    const cold = await sync();
    const warm = await sync();
    console.log('\n## Intel sync of ../shared/data (all feeds) into an empty store');
    console.log(cold.trimEnd());
    console.log('again, every feed unchanged (read and hash only):');
    console.log(warm.trimEnd().split('\n').at(-1));
    const ms = (out: string): number => Number(/total (\d+) ms/.exec(out)?.[1] ?? NaN);
    console.log(`ratio full load / unchanged: ${(ms(cold) / ms(warm)).toFixed(1)}`);
    await rescoreBench(db.url);
  } finally {
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const RESCORE_FINDINGS = Number(process.env.BENCH_RESCORE_FINDINGS ?? 100_000);

/**
 * Re-scoring after an EPSS update: findings about CVEs (real ids from the loaded EPSS file) are
 * inserted with a stale score, then rescored. Baseline in the same run: the same rescoring when
 * nothing changed (read and compute only).
 */
async function rescoreBench(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const query = async <T>(sql: string, params: unknown[]): Promise<T[]> => (await client.query(sql, params)).rows as T[];
    const cves = (await client.query<{ cve_id: string }>(`select cve_id from findings.intel_epss order by cve_id desc limit 5000`)).rows.map((r) => r.cve_id);
    await client.query(
      `insert into findings.finding (id, account_id, client_id, scan_id, check_id, severity, title, description, evidence, remediation, target, cve_ids, confidence, score, fingerprint, created_at)
       select gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 'software.known-vulnerable',
              (array['CRITICAL','HIGH','MEDIUM','LOW'])[1 + i % 4], 't', 'd', '{}', 'r', 'https://bench.example/', array[($1::text[])[1 + i % $2::int]], 'FIRM', 0, md5(i::text), now()
       from generate_series(1, $3) as i`,
      [cves, cves.length, RESCORE_FINDINGS],
    );
    let started = performance.now();
    const changed = await rescoreCveFindings(query, 'epss');
    const full = performance.now() - started;
    started = performance.now();
    const again = await rescoreCveFindings(query, 'epss');
    const unchanged = performance.now() - started;
    console.log(`\n## Re-scoring ${RESCORE_FINDINGS} findings about CVEs after an EPSS update`);
    console.log(`rescored ${changed.rescored} (${changed.changes} change events recorded) in ${full.toFixed(0)} ms: ${((RESCORE_FINDINGS * 1000) / full).toFixed(0)} findings/s`);
    console.log(`nothing changed (${again.rescored} written): ${unchanged.toFixed(0)} ms; ratio ${(full / unchanged).toFixed(2)}`);
  } finally {
    await client.end();
  }
}
