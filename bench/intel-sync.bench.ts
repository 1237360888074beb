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
  } finally {
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
