import { z } from 'zod';
import { commonEnv } from '../../../lib/config/common.js';
import { parseEnv, port } from '../../../lib/config/env.js';
import { createLogger } from '../../../lib/logger.js';
import { bootSubgraph, openModule } from '../../../lib/http/subgraph-boot.js';
import type { RunningServer } from '../../../lib/http/subgraph-server.js';
import { FindingsContext } from './context.js';
import { findingsDb } from './module.js';
import { buildFindingsSchema } from './schema.js';

/** Configuration of the findings subgraph. */
export const findingsEnv = commonEnv.extend({ FINDINGS_PORT: port(4002) });

export async function startFindingsSubgraph(env: z.infer<typeof findingsEnv> = parseEnv(findingsEnv)): Promise<RunningServer> {
  const log = createLogger('findings', env.LOG_LEVEL);
  const orm = await openModule(findingsDb, env.DATABASE_URL, { migrate: env.MIGRATE_ON_BOOT, poolMax: env.DB_POOL_MAX, log });
  return bootSubgraph({
    name: 'findings',
    orm,
    schema: await buildFindingsSchema(),
    host: env.HOST,
    port: env.FINDINGS_PORT,
    secret: env.INTERNAL_TOKEN_SECRET,
    log,
    context: (identity, em) => new FindingsContext(identity, em),
  });
}
