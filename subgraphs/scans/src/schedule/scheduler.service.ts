import { createServer } from 'node:http';
import type { PgBoss } from 'pg-boss';
import { z } from 'zod';
import { tenantOf } from '../../../../lib/auth/tenant.js';
import { commonEnv, queueEnv, queueTuning, scanPolicyEnv } from '../../../../lib/config/common.js';
import { flag, parseEnv, port } from '../../../../lib/config/env.js';
import { databaseReachable, type MikroORM } from '../../../../lib/db/orm.js';
import { openModule } from '../../../../lib/http/subgraph-boot.js';
import { createLogger, type Logger } from '../../../../lib/logger.js';
import { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { billingDb, QuotaService } from '../../../billing/src/module.js';
import { billingEnvFragment, catalogFromEnv } from '../../../billing/src/env.js';
import { ClientService, clientsDb } from '../../../clients/src/module.js';
import { scansDb } from '../module.js';
import { ownershipEnv, ownershipFromEnv } from '../ownership/ownership.env.js';
import { openScanQueue } from '../queue/scan-queue.js';
import { ScanDns } from '../scanner/scan-dns.js';
import { Scheduler } from './scheduler.js';

/** Configuration of a scheduler, in a worker or alone. */
export const schedulerEnv = commonEnv
  .omit({ INTERNAL_TOKEN_SECRET: true })
  .merge(scanPolicyEnv)
  .merge(queueEnv)
  .merge(billingEnvFragment)
  .merge(ownershipEnv)
  .extend({
    /** Run a scheduler inside each worker process. */
    SCHEDULER_ENABLED: flag('true'),
    /** Longest wait between two looks at due schedules (NOTIFY wakes it earlier for schedules due sooner). */
    SCHEDULER_TICK_MS: z.coerce.number().int().min(50).max(600_000).default(5000),
    /** Schedules claimed per transaction. */
    SCHEDULER_BATCH: z.coerce.number().int().min(1).max(500).default(20),
    /** Port of a standalone scheduler's /healthz and /readyz; 0 picks a free one. */
    SCHEDULER_HEALTH_PORT: port(0),
  });
export type SchedulerEnv = z.infer<typeof schedulerEnv>;

export interface RunningScheduler {
  scheduler: Scheduler;
  /** The scheduler's scans-module connection (readiness checks). */
  orm: MikroORM;
  close(): Promise<void>;
}

/**
 * Starts a scheduler with its own connections (scans, and the clients and billing modules whose
 * exported services a scan's creation calls) on `queue`, or on a queue of its own.
 */
export async function startScheduler(env: SchedulerEnv, log: Logger, queue?: PgBoss): Promise<RunningScheduler> {
  const opts = { migrate: env.MIGRATE_ON_BOOT, poolMax: 3, log };
  const scansOrm = await openModule(scansDb, env.DATABASE_URL, opts);
  const clientsOrm = await openModule(clientsDb, env.DATABASE_URL, { ...opts, migrate: false });
  const billingOrm = await openModule(billingDb, env.DATABASE_URL, { ...opts, migrate: false });
  const ownQueue = queue ? null : await openScanQueue(env.DATABASE_URL, queueTuning(env), log, { supervise: false });
  const policy = AddressPolicy.parse(env.SCAN_ALLOW_CIDRS);
  const dns = ScanDns.fromEnv(env.DNS_SERVERS);
  const ownership = ownershipFromEnv(env, dns, policy);
  const catalog = catalogFromEnv(env);
  const scheduler = new Scheduler({
    databaseUrl: env.DATABASE_URL,
    scansOrm,
    log,
    tickMs: env.SCHEDULER_TICK_MS,
    batch: env.SCHEDULER_BATCH,
    depsFor: (identity) => ({
      em: scansOrm.em.fork(),
      clients: new ClientService(clientsOrm.em.fork(), tenantOf(identity)),
      quota: new QuotaService(billingOrm.em.fork(), catalog, env.DEFAULT_CLIENT_TIER),
      queue: (queue ?? ownQueue)!,
      policy,
      resolve: dns.resolve,
      maxCidrHosts: env.SCAN_MAX_CIDR_HOSTS,
      ownership,
    }),
  });
  await scheduler.start();
  return {
    scheduler,
    orm: scansOrm,
    close: async () => {
      await scheduler.close();
      await ownQueue?.stop({ graceful: true, timeout: 5000 });
      await scansOrm.close();
      await clientsOrm.close();
      await billingOrm.close();
    },
  };
}

/** The scheduler a worker runs beside its scan jobs, unless SCHEDULER_ENABLED=false. */
export async function startWorkerScheduler(queue: PgBoss, log: Logger): Promise<RunningScheduler | null> {
  const env = parseEnv(schedulerEnv);
  return env.SCHEDULER_ENABLED ? startScheduler(env, log, queue) : null;
}

/** `npm run start:scheduler`: a scheduler alone, with /healthz and /readyz. */
export async function startSchedulerService(env: SchedulerEnv = parseEnv(schedulerEnv)): Promise<{ close(): Promise<void> }> {
  const log = createLogger('scheduler', env.LOG_LEVEL);
  const running = await startScheduler(env, log);
  const health = createServer((req, res) => {
    if (req.url === '/healthz') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok","service":"scheduler"}');
    if (req.url === '/readyz') {
      return void databaseReachable(running.orm).then((ok) => {
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ready' : 'unavailable', service: 'scheduler' }));
      });
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
  });
  await new Promise<void>((r) => health.listen(env.SCHEDULER_HEALTH_PORT, env.HOST, () => r()));
  log.info({ pid: process.pid, scheduler: running.scheduler.id }, 'scheduler ready');
  return {
    close: async () => {
      health.close();
      await running.close();
    },
  };
}
