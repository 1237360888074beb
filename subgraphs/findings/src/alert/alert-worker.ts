import pg from 'pg';
import type { PgBoss } from 'pg-boss';
import type { Logger } from '../../../../lib/logger.js';
import { openModule } from '../../../../lib/http/subgraph-boot.js';
import { ClientService, clientsDb } from '../../../clients/src/module.js';
import { alertSettings, type AlertEnv } from './alert.env.js';
import { AlertEvaluator, type ClientNamer } from './alert-evaluator.js';
import { KevAlertConsumer, watchChanges } from './alert-kev-watcher.js';
import { ALERT_DELIVER_QUEUE, ALERT_EVALUATE_QUEUE, ensureAlertQueues, enqueueDelivery, type DeliverJob, type ScanOutcome } from './alert-queue.js';
import { AlertSender } from './alert-sender.js';

export interface AlertWorkerOptions {
  env: AlertEnv & { DATABASE_URL: string };
  /** The worker's pg-boss (the scan queue's): alert jobs share its connections and supervisor. */
  boss: PgBoss;
  log: Logger;
  /** How the scan ended, or null while it has not (the scans module answers). */
  scanOutcome(scanId: string): Promise<ScanOutcome | null>;
}

export interface AlertWorker {
  /**
   * After a scan job: queues the scan's alert evaluation if it ended. Throws when the queue refuses
   * the job, so the scan job fails and pg-boss retries it (see queueScanEvaluation).
   */
  scanEnded(scanId: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Queues the alert evaluation of a scan that ended (COMPLETED or FAILED); does nothing while it
 * runs or when it was cancelled. A refusal by the queue is thrown, not swallowed: the caller's scan
 * job then fails and pg-boss retries it, and the retry (whose run of an ended scan does nothing)
 * queues the evaluation again, so a scan's alerts survive a database blip at the end of its job.
 * The singleton key and the deliveries' unique (channel, event) key make a second evaluation a no-op.
 */
export async function queueScanEvaluation(boss: Pick<PgBoss, 'send'>, outcomeOf: (scanId: string) => Promise<ScanOutcome | null>, scanId: string): Promise<boolean> {
  const outcome = await outcomeOf(scanId);
  if (!outcome) return false;
  await boss.send(ALERT_EVALUATE_QUEUE, outcome, { singletonKey: `scan:${scanId}` });
  return true;
}

/** Deliveries never attempted this long after their last touch lost their job (a crash between insert and send): queued again. */
const STRANDED_MINUTES = 5;

/**
 * Alerts in a worker process: evaluates ended scans, consumes KEV changes of feed updates, and
 * delivers messages with retries (README "Alerts"). Every worker runs it; the queue and row locks
 * share the work.
 */
export async function startAlertWorker(opts: AlertWorkerOptions): Promise<AlertWorker> {
  const log = opts.log.child({ part: 'alerts' });
  const s = alertSettings(opts.env);
  const pool = new pg.Pool({ connectionString: opts.env.DATABASE_URL, max: 4 });
  pool.on('error', (err) => log.warn({ err: err.message }, 'alert pool connection error'));
  const clientsOrm = await openModule(clientsDb, opts.env.DATABASE_URL, { migrate: false, poolMax: 2, log });
  const clientName: ClientNamer = async (accountId, clientId) => {
    const c = await new ClientService(clientsOrm.em.fork(), { accountId, clientId: null }).find(clientId);
    return c?.name ?? 'a client';
  };
  await ensureAlertQueues(opts.boss, s);
  const evaluator = new AlertEvaluator(pool, opts.boss, s, clientName);
  const sender = new AlertSender(pool, s, log);
  const kev = new KevAlertConsumer(pool, evaluator, clientName, s.maxListed);

  await opts.boss.work<ScanOutcome>(ALERT_EVALUATE_QUEUE, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => {
    if (!job) return;
    const n = await evaluator.scanEnded(job.data);
    log.info({ scanId: job.data.scanId, status: job.data.status, messages: n }, 'scan alerts evaluated');
  });
  await opts.boss.work<DeliverJob>(ALERT_DELIVER_QUEUE, { batchSize: 1, localConcurrency: 2, pollingIntervalSeconds: 2 }, async ([job]) => {
    if (!job) return;
    const result = await sender.deliver(job.data.deliveryId, job.retryCount >= s.retryLimit);
    // Failing the job is what makes pg-boss retry it, with backoff.
    if (result === 'retry') throw new Error(`alert delivery ${job.data.deliveryId} failed; retrying`);
  });

  const watcher = watchChanges(opts.env.DATABASE_URL, s.pollSeconds, log, async () => {
    const n = await kev.drain();
    if (n) log.info({ messages: n }, 'KEV feed alerts queued');
    const stranded = await pool.query<{ id: string }>(
      `update findings.alert_delivery set updated_at = now() where id in (
         select id from findings.alert_delivery where status = 'PENDING' and attempts = 0 and updated_at < now() - make_interval(mins => $1) limit 100 for update skip locked)
       returning id`,
      [STRANDED_MINUTES],
    );
    for (const r of stranded.rows) await enqueueDelivery(opts.boss, s, r.id);
  });

  return {
    scanEnded: async (scanId) => {
      try {
        await queueScanEvaluation(opts.boss, opts.scanOutcome, scanId);
      } catch (err) {
        log.error({ scanId, err: (err as Error).message }, 'could not queue the scan alert evaluation; the scan job is retried');
        throw err;
      }
    },
    close: async () => {
      await watcher.close();
      sender.close();
      await pool.end();
      await clientsOrm.close();
    },
  };
}
