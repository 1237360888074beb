import { z } from 'zod';
import { commonEnv, keyPrefixEnv } from '../../lib/config/common.js';
import { port } from '../../lib/config/env.js';

const url = (fallback: string) => z.string().url().default(fallback);

/** Configuration of the gateway. */
export const gatewayEnv = commonEnv.merge(keyPrefixEnv).extend({
  GATEWAY_PORT: port(4000),
  SCANS_URL: url('http://127.0.0.1:4001/graphql'),
  FINDINGS_URL: url('http://127.0.0.1:4002/graphql'),
  CLIENTS_URL: url('http://127.0.0.1:4003/graphql'),
  BILLING_URL: url('http://127.0.0.1:4004/graphql'),
  /** On an empty database this becomes the operator's API key; unset, one is generated and printed once. */
  BOOTSTRAP_API_KEY: z.string().optional(),
  BOOTSTRAP_ACCOUNT_NAME: z.string().min(1).max(200).default('Operator'),
  GRAPHIQL: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Lifetime of the identity token sent with each subgraph call (a new one is signed per call). */
  IDENTITY_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  /** Composed supergraph to serve; default: the committed schema/supergraph.graphql. */
  SUPERGRAPH_PATH: z.string().optional(),
});
export type GatewayEnv = z.infer<typeof gatewayEnv>;
