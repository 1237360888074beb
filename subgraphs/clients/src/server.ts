import { z } from 'zod';
import { clientTokenEnv } from '../../../lib/auth/auth-env.js';
import { ClientTokenSigner } from '../../../lib/auth/client-token.js';
import { commonEnv, keyPrefixEnv } from '../../../lib/config/common.js';
import { parseEnv, port } from '../../../lib/config/env.js';
import { createLogger } from '../../../lib/logger.js';
import { bootSubgraph, openModule } from '../../../lib/http/subgraph-boot.js';
import type { RunningServer } from '../../../lib/http/subgraph-server.js';
import { billingEnvFragment, catalogFromEnv } from '../../billing/src/env.js';
import { billingDb } from '../../billing/src/module.js';
import { ClientsContext } from './context.js';
import { billingPlans, type ClientsDeps } from './deps.js';
import { clientsDb } from './module.js';
import { buildClientsSchema } from './schema.js';

/** Configuration of the clients subgraph: it issues client tokens and puts new clients on a plan. */
export const clientsEnv = commonEnv.merge(keyPrefixEnv).merge(clientTokenEnv).merge(billingEnvFragment).extend({ CLIENTS_PORT: port(4003) });

export async function startClientsSubgraph(env: z.infer<typeof clientsEnv> = parseEnv(clientsEnv)): Promise<RunningServer> {
  const log = createLogger('clients', env.LOG_LEVEL);
  const orm = await openModule(clientsDb, env.DATABASE_URL, { migrate: env.MIGRATE_ON_BOOT, poolMax: env.DB_POOL_MAX, log });
  // registerClient sets a new client's tier through the billing module's service.
  const billingOrm = await openModule(billingDb, env.DATABASE_URL, { migrate: false, poolMax: 2, log });
  const deps: ClientsDeps = {
    keyPrefix: env.API_KEY_PREFIX,
    tokenSigner: new ClientTokenSigner(env.CLIENT_TOKEN_SECRET),
    tokenTtlSeconds: env.CLIENT_TOKEN_TTL_DAYS * 86_400,
    plans: billingPlans(billingOrm, catalogFromEnv(env), env.DEFAULT_CLIENT_TIER),
  };
  return bootSubgraph({
    name: 'clients',
    orm,
    schema: await buildClientsSchema(),
    host: env.HOST,
    port: env.CLIENTS_PORT,
    secret: env.INTERNAL_TOKEN_SECRET,
    log,
    context: (identity, em) => new ClientsContext(identity, em, deps),
    onClose: () => billingOrm.close(),
  });
}
