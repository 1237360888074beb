import { z } from 'zod';
import { commonEnv, keyPrefixEnv, queueEnv, queueTuning, scanPolicyEnv } from '../../../lib/config/common.js';
import { parseEnv, port } from '../../../lib/config/env.js';
import { createLogger } from '../../../lib/logger.js';
import { AddressPolicy } from '../../../lib/net/address-policy.js';
import { bootSubgraph, openModule } from '../../../lib/http/subgraph-boot.js';
import type { RunningServer } from '../../../lib/http/subgraph-server.js';
import { billingDb, QuotaService } from '../../billing/src/module.js';
import { billingEnvFragment, catalogFromEnv } from '../../billing/src/env.js';
import { ClientService, clientsDb } from '../../clients/src/module.js';
import { tenantOf } from '../../../lib/auth/tenant.js';
import { ScansContext } from './context.js';
import { ScanEventBus } from './events/scan-event.bus.js';
import { scansDb } from './module.js';
import { ownershipEnv, ownershipFromEnv } from './ownership/ownership.env.js';
import { ScanDns } from './scanner/scan-dns.js';
import { openScanQueue } from './queue/scan-queue.js';
import { buildScansSchema } from './schema.js';
import { ReportLinks, reportLinkEnv } from './scan/scan-report-url.resolver.js';

/** Configuration of the scans subgraph. */
export const scansEnv = commonEnv
  .merge(scanPolicyEnv)
  .merge(queueEnv)
  .merge(billingEnvFragment)
  .merge(keyPrefixEnv)
  .merge(ownershipEnv)
  .merge(reportLinkEnv)
  .extend({ SCANS_PORT: port(4001) });

/**
 * The scans subgraph. It owns the scans schema; for a new scan it calls the clients module (which
 * client) and the billing module (quota) through their exported services, in this process.
 */
export async function startScansSubgraph(env: z.infer<typeof scansEnv> = parseEnv(scansEnv)): Promise<RunningServer> {
  const log = createLogger('scans', env.LOG_LEVEL);
  const policy = AddressPolicy.parse(env.SCAN_ALLOW_CIDRS);
  const dns = ScanDns.fromEnv(env.DNS_SERVERS);
  const ownership = ownershipFromEnv(env, dns, policy);
  const opts = { migrate: env.MIGRATE_ON_BOOT, poolMax: env.DB_POOL_MAX, log };
  const orm = await openModule(scansDb, env.DATABASE_URL, opts);
  // Other modules' data is reached only through their services; they migrate themselves.
  const clientsOrm = await openModule(clientsDb, env.DATABASE_URL, { ...opts, migrate: false, poolMax: 5 });
  const billingOrm = await openModule(billingDb, env.DATABASE_URL, { ...opts, migrate: false, poolMax: 5 });
  const queue = await openScanQueue(env.DATABASE_URL, queueTuning(env), log, { supervise: false });
  const bus = new ScanEventBus(env.DATABASE_URL, log);
  await bus.start();
  const catalog = catalogFromEnv(env);
  const reportLinks = new ReportLinks(env.INTERNAL_TOKEN_SECRET, env.REST_PUBLIC_URL, env.REPORT_URL_TTL_SECONDS);
  return bootSubgraph({
    name: 'scans',
    orm,
    schema: await buildScansSchema(),
    host: env.HOST,
    port: env.SCANS_PORT,
    secret: env.INTERNAL_TOKEN_SECRET,
    log,
    context: (identity, em) =>
      new ScansContext(
        identity,
        {
          em,
          clients: new ClientService(clientsOrm.em.fork(), tenantOf(identity)),
          quota: new QuotaService(billingOrm.em.fork(), catalog, env.DEFAULT_CLIENT_TIER),
          queue,
          policy,
          resolve: dns.resolve,
          maxCidrHosts: env.SCAN_MAX_CIDR_HOSTS,
          ownership,
        },
        bus,
        reportLinks,
      ),
    ready: () => bus.ready(),
    onClose: async () => {
      await bus.close();
      await queue.stop({ graceful: true, timeout: 5000 });
      await clientsOrm.close();
      await billingOrm.close();
    },
  });
}
