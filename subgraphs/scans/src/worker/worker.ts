import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { z } from 'zod';
import { commonEnv, queueEnv, queueTuning, scanPolicyEnv } from '../../../../lib/config/common.js';
import { parseEnv, port } from '../../../../lib/config/env.js';
import { databaseReachable } from '../../../../lib/db/orm.js';
import { openModule } from '../../../../lib/http/subgraph-boot.js';
import { createLogger } from '../../../../lib/logger.js';
import { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { alertEnv, findingsDb, startAlertWorker } from '../../../findings/src/module.js';
import { startIntelRefresh } from '../../../findings/src/intel/intel-refresh.job.js';
import { scansDb } from '../module.js';
import { openScanQueue, SCAN_QUEUE, type ScanJob } from '../queue/scan-queue.js';
import { ScanEventBus } from '../events/scan-event.bus.js';
import { ScanEntity } from '../scan/scan.entity.js';
import { ScanDns } from '../scanner/scan-dns.js';
import { ScanRunner } from './scan-runner.js';
import { scanOutcome } from './scan-outcome.js';
import { startWorkerScheduler } from '../schedule/scheduler.service.js';

/** Configuration of a scan worker. */
export const workerEnv = commonEnv
  .omit({ INTERNAL_TOKEN_SECRET: true })
  .merge(scanPolicyEnv)
  .merge(queueEnv)
  .merge(alertEnv)
  .extend({
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    /** Caps every profile's per-request timeout (profiles use 8-15 s). */
    SCAN_FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).optional(),
    /** Caps every profile's whole-scan deadline (profiles use 1-15 min). */
    SCAN_DEADLINE_SECONDS: z.coerce.number().int().min(1).max(24 * 3600).optional(),
    /** PEM file of an extra CA trusted when judging certificates (e.g. a lab's own CA). */
    SCAN_EXTRA_CA_FILE: z.string().optional(),
    /** A folder of intel feeds (laid out like ../shared/data) to reload on a schedule; unset: no refresh. */
    INTEL_SYNC_FROM: z.string().optional(),
    /** When to reload it (cron, UTC). */
    INTEL_SYNC_CRON: z.string().default('0 4 * * *'),
    /** Port of the worker's /healthz and /readyz; 0 picks a free one. */
    WORKER_HEALTH_PORT: port(0),
  });

/** How the scanner names itself to every server it touches, so operators can recognise it. */
export const SCANNER_USER_AGENT = 'fixfirst-scanner/0.2 (+exposure validation; authorised scan)';

export interface RunningWorker {
  close(): Promise<void>;
}

/**
 * A scan worker process: takes scan jobs from the queue and runs them. Any number may run on any
 * machine; pg-boss hands each job to one of them, and a job whose worker stops heart-beating is
 * retried by another.
 */
export async function startWorker(env: z.infer<typeof workerEnv> = parseEnv(workerEnv)): Promise<RunningWorker> {
  const log = createLogger('worker', env.LOG_LEVEL);
  const opts = { migrate: env.MIGRATE_ON_BOOT, poolMax: env.DB_POOL_MAX, log };
  const scansOrm = await openModule(scansDb, env.DATABASE_URL, opts);
  const findingsOrm = await openModule(findingsDb, env.DATABASE_URL, opts);
  const queue = await openScanQueue(env.DATABASE_URL, queueTuning(env), log, { supervise: true });
  const runner = new ScanRunner({
    scansOrm,
    findingsOrm,
    policy: AddressPolicy.parse(env.SCAN_ALLOW_CIDRS),
    dns: ScanDns.fromEnv(env.DNS_SERVERS),
    log,
    limits: {
      ...(env.SCAN_FETCH_TIMEOUT_MS ? { requestTimeoutMs: env.SCAN_FETCH_TIMEOUT_MS } : {}),
      ...(env.SCAN_DEADLINE_SECONDS ? { deadlineMs: env.SCAN_DEADLINE_SECONDS * 1000 } : {}),
    },
    ...(env.SCAN_EXTRA_CA_FILE ? { ca: readFileSync(env.SCAN_EXTRA_CA_FILE, 'utf8') } : {}),
    userAgent: SCANNER_USER_AGENT,
  });
  // Alerts: evaluation of ended scans, KEV feed alerts and deliveries (findings/src/alert).
  const alerts = await startAlertWorker({ env, boss: queue, log, scanOutcome: (id) => scanOutcome(scansOrm, id) });
  const intel = env.INTEL_SYNC_FROM ? await startIntelRefresh({ databaseUrl: env.DATABASE_URL, from: env.INTEL_SYNC_FROM, cron: env.INTEL_SYNC_CRON, log }) : null;
  // Cancellation reaches the worker running the scan through the same events subscribers get.
  const bus = new ScanEventBus(env.DATABASE_URL, log);
  await bus.start();

  await queue.work<ScanJob>(
    SCAN_QUEUE,
    {
      localConcurrency: env.WORKER_CONCURRENCY,
      batchSize: 1,
      pollingIntervalSeconds: 2,
      // NOTIFY wakes an idle worker when a job is sent; a busy one that missed it must not wait
      // pg-boss's 30 s NOTIFY backstop for jobs already queued (measured: 10 queued scans took 91 s).
      notifyPollingIntervalSeconds: 2,
    },
    async ([job]) => {
      if (!job) return;
      log.info({ scanId: job.data.scanId, attempt: job.retryCount + 1 }, 'scan job started');
      const scanId = job.data.scanId;
      const cancelled = new AbortController();
      const cancel = (): void => {
        if (cancelled.signal.aborted) return;
        log.info({ scanId }, 'scan cancelled: stopping');
        cancelled.abort(new Error('The scan was cancelled'));
      };
      const stop = bus.listen(scanId, (_eventId, status) => {
        if (status === 'CANCELLED') return cancel();
        if (status !== undefined) return;
        // After a reconnect the status is unknown: read it.
        void scansOrm.em
          .fork()
          .findOne(ScanEntity, { id: scanId }, { fields: ['status'] })
          .then((s) => (s?.status === 'CANCELLED' ? cancel() : undefined))
          .catch(() => undefined);
      });
      try {
        await runner.run(scanId, AbortSignal.any([job.signal, cancelled.signal]));
      } catch (err) {
        log.error({ scanId: job.data.scanId, err: (err as Error).message }, 'scan job failed');
        if (job.retryCount >= env.SCAN_RETRY_LIMIT) await runner.giveUp(job.data.scanId).catch(() => undefined);
        throw err;
      } finally {
        stop();
        // Queues the scan's alert evaluation once it has ended. If the queue refuses, this fails the
        // job: pg-boss retries it, the retry's run of the ended scan does nothing, and it queues again.
        await alerts.scanEnded(scanId);
      }
    },
  );

  const health = createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok","service":"worker"}');
      return;
    }
    if (req.url === '/readyz') {
      void databaseReachable(scansOrm).then((ok) => {
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ready' : 'unavailable', service: 'worker' }));
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
  });
  await new Promise<void>((r) => health.listen(env.WORKER_HEALTH_PORT, env.HOST, () => r()));
  // Each worker also runs a scheduler (SCHEDULER_ENABLED): they claim due schedules exactly once between them.
  const scheduler = await startWorkerScheduler(queue, log);
  log.info({ pid: process.pid, concurrency: env.WORKER_CONCURRENCY }, 'worker ready');

  return {
    close: async () => {
      health.close();
      await scheduler?.close();
      await queue.stop({ graceful: true, timeout: 10_000 });
      await bus.close();
      await intel?.close();
      await alerts.close();
      await scansOrm.close();
      await findingsOrm.close();
    },
  };
}
