import { z } from 'zod';
import { commonEnv } from '../../../lib/config/common.js';
import { parseEnv, port } from '../../../lib/config/env.js';
import { NotifyBus } from '../../../lib/db/notify-bus.js';
import { createLogger } from '../../../lib/logger.js';
import { bootSubgraph, openModule } from '../../../lib/http/subgraph-boot.js';
import type { RunningServer } from '../../../lib/http/subgraph-server.js';
import { ClientService, clientsDb } from '../../clients/src/module.js';
import { FindingsContext, type FindingsServices } from './context.js';
import { findingSlaEnv } from './finding/finding-metrics.service.js';
import { FINDING_CHANGES_CHANNEL } from './finding/finding-score.repository.js';
import { findingsDb } from './module.js';
import { alertEnv, alertSettings } from './alert/alert.env.js';
import { openAlertSender } from './alert/alert-queue.js';
import { buildFindingsSchema } from './schema.js';

/** Configuration of the findings subgraph. */
export const findingsEnv = commonEnv.merge(findingSlaEnv).merge(alertEnv).extend({ FINDINGS_PORT: port(4002) });

export async function startFindingsSubgraph(env: z.infer<typeof findingsEnv> = parseEnv(findingsEnv)): Promise<RunningServer> {
  const log = createLogger('findings', env.LOG_LEVEL);
  const orm = await openModule(findingsDb, env.DATABASE_URL, { migrate: env.MIGRATE_ON_BOOT, poolMax: env.DB_POOL_MAX, log });
  // The clients module is reached only through its service; it migrates itself.
  const clientsOrm = await openModule(clientsDb, env.DATABASE_URL, { migrate: false, poolMax: 5, log });
  const changes = new NotifyBus(env.DATABASE_URL, FINDING_CHANGES_CHANNEL, log);
  await changes.start();
  const settings = alertSettings(env);
  const alertQueue = await openAlertSender(env.DATABASE_URL, settings, log);
  const services: FindingsServices = {
    changes,
    slaDays: env.FINDING_SLA_DAYS,
    clients: (tenant) => new ClientService(clientsOrm.em.fork(), tenant),
    alerts: { settings, queue: alertQueue },
  };
  return bootSubgraph({
    name: 'findings',
    orm,
    schema: await buildFindingsSchema(),
    host: env.HOST,
    port: env.FINDINGS_PORT,
    secret: env.INTERNAL_TOKEN_SECRET,
    log,
    context: (identity, em) => new FindingsContext(identity, em, services),
    ready: () => changes.ready(),
    onClose: async () => {
      await changes.close();
      await alertQueue.stop({ graceful: true, timeout: 5_000 });
      await clientsOrm.close();
    },
  });
}
