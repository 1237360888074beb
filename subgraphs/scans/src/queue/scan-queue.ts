import { PgBoss } from 'pg-boss';
import type { Logger } from '../../../../lib/logger.js';

/** Queue names: scan jobs and their dead letters. */
export const SCAN_QUEUE = 'scan-run';
export const SCAN_DEAD_LETTER_QUEUE = 'scan-run-dead';

export interface ScanJob {
  scanId: string;
}

export interface QueueTuning {
  /** A worker that stops heart-beating this long is presumed dead and its job retried (>= 10). */
  heartbeatSeconds: number;
  /** How often the supervisor looks for dead jobs. */
  superviseIntervalSeconds: number;
  /** Attempts after the first. */
  retryLimit: number;
  /** Hard cap on one attempt. */
  expireInSeconds: number;
}

/**
 * The scan job queue, on PostgreSQL with pg-boss (schema `pgboss`). At-least-once delivery: the
 * handler is idempotent. Jobs wake workers immediately through LISTEN/NOTIFY, with polling as a floor.
 */
export async function openScanQueue(url: string, tuning: QueueTuning, log: Logger, opts: { supervise: boolean }): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: url,
    schema: 'pgboss',
    max: 5,
    useListenNotify: true,
    supervise: opts.supervise,
    superviseIntervalSeconds: tuning.superviseIntervalSeconds,
    monitorIntervalSeconds: tuning.superviseIntervalSeconds,
    schedule: false,
  });
  boss.on('error', (err: Error) => log.error({ err: err.message }, 'queue error'));
  await boss.start();
  await ensureQueue(boss, SCAN_DEAD_LETTER_QUEUE, { retryLimit: 0 });
  await ensureQueue(boss, SCAN_QUEUE, {
    retryLimit: tuning.retryLimit,
    retryDelay: 2,
    retryBackoff: true,
    retryDelayMax: 60,
    heartbeatSeconds: tuning.heartbeatSeconds,
    expireInSeconds: tuning.expireInSeconds,
    deadLetter: SCAN_DEAD_LETTER_QUEUE,
    notify: true,
  });
  return boss;
}

async function ensureQueue(boss: PgBoss, name: string, options: Record<string, unknown>): Promise<void> {
  // Created once with its policy; later changes go through a migration of the queue, not boot.
  if (await boss.getQueue(name)) return;
  try {
    await boss.createQueue(name, options);
  } catch (err) {
    // Another process created it between our check and create.
    if (!(await boss.getQueue(name))) throw err;
  }
}

/** Enqueues a scan; the scan id is the singleton key, so a scan is never queued twice at once. */
export async function enqueueScan(boss: PgBoss, scanId: string): Promise<void> {
  await boss.send(SCAN_QUEUE, { scanId } satisfies ScanJob, { singletonKey: scanId });
}
