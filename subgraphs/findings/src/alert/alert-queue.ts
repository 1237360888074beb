import { PgBoss } from 'pg-boss';
import type { Logger } from '../../../../lib/logger.js';
import type { AlertSettings } from './alert.env.js';

/** Queues of alerts: evaluating an ended scan, and delivering one message (retried). */
export const ALERT_EVALUATE_QUEUE = 'alert-evaluate';
export const ALERT_DELIVER_QUEUE = 'alert-deliver';
export const ALERT_DELIVER_DEAD_QUEUE = 'alert-deliver-dead';

/** What an ended scan's evaluation needs; read from the scans module by the worker that ran it. */
export interface ScanOutcome {
  scanId: string;
  accountId: string;
  clientId: string;
  status: 'COMPLETED' | 'FAILED';
  target: string;
  error: string | null;
}

export interface DeliverJob {
  deliveryId: string;
}

/** Runs SQL in the caller's transaction (pg-boss's `db` option), so a job exists iff its row does. */
export type Sql = { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> };

/** Creates the alert queues once (another process may race us: that is fine). */
export async function ensureAlertQueues(boss: PgBoss, s: AlertSettings): Promise<void> {
  const ensure = async (name: string, options: Record<string, unknown>): Promise<void> => {
    if (await boss.getQueue(name)) return;
    try {
      await boss.createQueue(name, options);
    } catch (err) {
      if (!(await boss.getQueue(name))) throw err;
    }
  };
  await ensure(ALERT_DELIVER_DEAD_QUEUE, { retryLimit: 0 });
  await ensure(ALERT_EVALUATE_QUEUE, { retryLimit: 5, retryDelay: 5, retryBackoff: true, retryDelayMax: 300 });
  await ensure(ALERT_DELIVER_QUEUE, { ...retryPolicy(s), deadLetter: ALERT_DELIVER_DEAD_QUEUE });
}

/** ALERT_RETRY_LIMIT retries after the first attempt, from ALERT_RETRY_DELAY_SECONDS, doubling, at most an hour apart. */
export function retryPolicy(s: AlertSettings): { retryLimit: number; retryDelay: number; retryBackoff: true; retryDelayMax: number } {
  return { retryLimit: s.retryLimit, retryDelay: s.retryDelaySeconds, retryBackoff: true, retryDelayMax: 3600 };
}

/** Queues the delivery of one message (inside the caller's transaction when `db` is given). */
export async function enqueueDelivery(boss: PgBoss, s: AlertSettings, deliveryId: string, db?: Sql): Promise<void> {
  await boss.send(ALERT_DELIVER_QUEUE, { deliveryId } satisfies DeliverJob, { ...retryPolicy(s), deadLetter: ALERT_DELIVER_DEAD_QUEUE, ...(db ? { db } : {}) });
}

/** A pg-boss client that only sends (the findings subgraph: testAlert, redeliverAlert). */
export async function openAlertSender(databaseUrl: string, s: AlertSettings, log: Logger): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss', max: 2, supervise: false, schedule: false });
  boss.on('error', (err: Error) => log.error({ err: err.message }, 'alert queue error'));
  await boss.start();
  await ensureAlertQueues(boss, s);
  return boss;
}
