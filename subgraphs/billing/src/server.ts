import { z } from 'zod';
import { commonEnv } from '../../../lib/config/common.js';
import { parseEnv, port } from '../../../lib/config/env.js';
import { createLogger } from '../../../lib/logger.js';
import { bootSubgraph, openModule } from '../../../lib/http/subgraph-boot.js';
import type { RunningServer } from '../../../lib/http/subgraph-server.js';
import { BillingContext } from './context.js';
import { billingDb } from './module.js';
import { billingEnvFragment, catalogFromEnv } from './env.js';
import { buildBillingSchema } from './schema.js';

/** Configuration of the billing subgraph. */
export const billingEnv = commonEnv.merge(billingEnvFragment).extend({ BILLING_PORT: port(4004) });

export async function startBillingSubgraph(env: z.infer<typeof billingEnv> = parseEnv(billingEnv)): Promise<RunningServer> {
  const log = createLogger('billing', env.LOG_LEVEL);
  const orm = await openModule(billingDb, env.DATABASE_URL, { migrate: env.MIGRATE_ON_BOOT, poolMax: env.DB_POOL_MAX, log });
  const catalog = catalogFromEnv(env);
  return bootSubgraph({
    name: 'billing',
    orm,
    schema: await buildBillingSchema(),
    host: env.HOST,
    port: env.BILLING_PORT,
    secret: env.INTERNAL_TOKEN_SECRET,
    log,
    context: (identity, em) => new BillingContext(identity, em, catalog, env.DEFAULT_CLIENT_TIER),
  });
}
