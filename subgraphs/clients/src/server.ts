import { z } from 'zod';
import { commonEnv, keyPrefixEnv } from '../../../lib/config/common.js';
import { parseEnv, port } from '../../../lib/config/env.js';
import { createLogger } from '../../../lib/logger.js';
import { bootSubgraph, openModule } from '../../../lib/http/subgraph-boot.js';
import type { RunningServer } from '../../../lib/http/subgraph-server.js';
import { ClientsContext } from './context.js';
import { clientsDb } from './module.js';
import { buildClientsSchema } from './schema.js';

/** Configuration of the clients subgraph. */
export const clientsEnv = commonEnv.merge(keyPrefixEnv).extend({ CLIENTS_PORT: port(4003) });

export async function startClientsSubgraph(env: z.infer<typeof clientsEnv> = parseEnv(clientsEnv)): Promise<RunningServer> {
  const log = createLogger('clients', env.LOG_LEVEL);
  const orm = await openModule(clientsDb, env.DATABASE_URL, { migrate: env.MIGRATE_ON_BOOT, poolMax: env.DB_POOL_MAX, log });
  return bootSubgraph({
    name: 'clients',
    orm,
    schema: await buildClientsSchema(),
    host: env.HOST,
    port: env.CLIENTS_PORT,
    secret: env.INTERNAL_TOKEN_SECRET,
    log,
    context: (identity, em) => new ClientsContext(identity, em),
  });
}
