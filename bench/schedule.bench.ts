import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { startEmbeddedPostgres } from '../lib/db/embedded.js';
import { migrateModule, openModuleOrm, type MikroORM } from '../lib/db/orm.js';
import { createLogger } from '../lib/logger.js';
import { freePort } from '../lib/net/free-port.js';
import { scansDb } from '../subgraphs/scans/src/module.js';
import { claimDueSchedules } from '../subgraphs/scans/src/schedule/schedule-claim.js';

/**
 * The schedulers' claim (BENCH_ONLY=schedule): N schedules all due at once (the top of the hour
 * after an outage, say), drained by one scheduler and by four at once in batches of
 * SCHEDULER_BATCH, as claimDueSchedules runs it: lock, insert the slot's run, move next_run_at.
 * Baseline in the same run: the same N run rows written by one set-based INSERT ... SELECT, the
 * floor of what writing them costs. Each drain is checked: exactly N runs, none twice.
 */
const SCHEDULES = Number(process.env.BENCH_SCHEDULES ?? 5000);
const BATCH = Number(process.env.SCHEDULER_BATCH ?? 20);
const ACCOUNT = '0b6f3a52-6a11-4c1e-9d7e-5be2f1c0a002';
const CLIENT = '0b6f3a52-6a11-4c1e-9d7e-5be2f1c0a003';

async function seed(em: EntityManager): Promise<void> {
  await em.execute(`truncate scans.schedule_run, scans.schedule`);
  // Named frequencies in a zone with DST, due over the last hour.
  await em.execute(
    `insert into scans.schedule (id, account_id, client_id, target, target_type, profile, mode, frequency, cron, time_zone,
            time_of_day, weekday, day_of_month, paused, next_run_at, created_by, created_at, updated_at)
     select gen_random_uuid(), ?, ?, 'https://shop-' || g || '.example/', 'URL', 'STANDARD', 'PASSIVE',
            (array['DAILY','WEEKLY','MONTHLY'])[1 + g % 3]::text, null, 'Europe/London', '03:00', 1, 1, false,
            now() - (g % 3600) * interval '1 second', 'bench', now(), now()
       from generate_series(1, ?) g`,
    [ACCOUNT, CLIENT, SCHEDULES],
  );
  await em.execute('analyze scans.schedule');
}

/** Drains every due schedule with `claimers` schedulers at once; ms and runs claimed. */
async function drain(orm: MikroORM, claimers: number): Promise<{ ms: number; claimed: number }> {
  const started = performance.now();
  const counts = await Promise.all(
    Array.from({ length: claimers }, async (_, i) => {
      let total = 0;
      for (;;) {
        const runs = await claimDueSchedules(orm.em.fork() as EntityManager, `bench-${i}`, BATCH);
        if (runs.length === 0) return total;
        total += runs.length;
      }
    }),
  );
  return { ms: performance.now() - started, claimed: counts.reduce((a, b) => a + b, 0) };
}

async function check(em: EntityManager, label: string): Promise<void> {
  const [row] = await em.execute<{ runs: string; distinct_slots: string }[]>(
    `select count(*) as runs, count(distinct (schedule_id, slot)) as distinct_slots from scans.schedule_run`,
  );
  const runs = Number(row?.runs);
  if (runs !== SCHEDULES || Number(row?.distinct_slots) !== SCHEDULES) throw new Error(`${label}: ${runs} runs for ${SCHEDULES} due schedules`);
}

export async function scheduleBench(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-bench-schedule-'));
  const db = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), database: 'schedule', log: createLogger('bench', 'warn') });
  let orm: MikroORM | null = null;
  try {
    orm = await openModuleOrm(scansDb, { url: db.url, poolMax: 6 });
    await migrateModule(orm, db.url);
    const em = orm.em.fork() as EntityManager;
    console.log(`\n## Scheduler claims: ${SCHEDULES.toLocaleString('en')} schedules due at once, batches of ${BATCH}`);

    await seed(em);
    const t0 = performance.now();
    await em.execute(
      `insert into scans.schedule_run (id, schedule_id, account_id, client_id, slot, outcome, claimed_by, claimed_at)
       select gen_random_uuid(), id, account_id, client_id, date_trunc('second', next_run_at), 'PENDING', 'baseline', now() from scans.schedule`,
    );
    const baselineMs = performance.now() - t0;
    await check(em, 'baseline');
    console.log(`baseline, one INSERT ... SELECT of the run rows: ${baselineMs.toFixed(0)} ms (${Math.round(SCHEDULES / (baselineMs / 1000)).toLocaleString('en')} rows/s)`);

    for (const claimers of [1, 4]) {
      await seed(em);
      const r = await drain(orm, claimers);
      await check(em, `${claimers} claimer(s)`);
      const perSecond = r.claimed / (r.ms / 1000);
      console.log(
        `${claimers} scheduler(s): ${r.claimed.toLocaleString('en')} runs claimed once each in ${r.ms.toFixed(0)} ms ` +
          `(${Math.round(perSecond).toLocaleString('en')} claims/s; ${(r.ms / baselineMs).toFixed(1)}x the set-based baseline)`,
      );
    }
  } finally {
    await orm?.close();
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
