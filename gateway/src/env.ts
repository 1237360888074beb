import { z } from 'zod';
import { clientTokenEnv, trustProxyEnv } from '../../lib/auth/auth-env.js';
import { commonEnv, keyPrefixEnv } from '../../lib/config/common.js';
import { count, flag, port } from '../../lib/config/env.js';
import { rateLimitEnv } from '../../lib/http/rate-limit.js';

const url = (fallback: string) => z.string().url().default(fallback);

/** Limits on what one GraphQL request may ask, checked before anything reaches a subgraph. */
const graphqlLimitsEnv = z.object({
  /** Deepest selection nesting (the root field is depth 1). */
  GRAPHQL_MAX_DEPTH: count(1, 100, 10),
  /** graphql-armor cost: objects 2, scalars 1, ×1.5 per level, × the page size (`first`). */
  GRAPHQL_MAX_COST: count(1, 100_000_000, 20_000),
  GRAPHQL_MAX_ALIASES: count(0, 1000, 15),
  GRAPHQL_MAX_TOKENS: count(10, 1_000_000, 2000),
  /** Operations in one batched (JSON array) request; each counts against the rate limit. */
  GRAPHQL_MAX_BATCH: count(1, 100, 10),
  /** Largest request body (HTTP) and WebSocket message, in bytes. */
  GRAPHQL_MAX_BODY_BYTES: count(1024, 64 * 1024 * 1024, 1024 * 1024),
  /** Schema introspection (and "Did you mean" suggestions); off unless enabled. */
  GRAPHQL_INTROSPECTION: flag('false'),
});

/** Configuration of the gateway. */
export const gatewayEnv = commonEnv
  .merge(keyPrefixEnv)
  .merge(trustProxyEnv)
  .merge(clientTokenEnv)
  .merge(rateLimitEnv)
  .merge(graphqlLimitsEnv)
  .extend({
    GATEWAY_PORT: port(4000),
    SCANS_URL: url('http://127.0.0.1:4001/graphql'),
    FINDINGS_URL: url('http://127.0.0.1:4002/graphql'),
    CLIENTS_URL: url('http://127.0.0.1:4003/graphql'),
    BILLING_URL: url('http://127.0.0.1:4004/graphql'),
    /** On an empty database this becomes the operator's API key; unset, one is generated and printed once. */
    BOOTSTRAP_API_KEY: z.string().optional(),
    BOOTSTRAP_ACCOUNT_NAME: z.string().min(1).max(200).default('Operator'),
    GRAPHIQL: flag('true'),
    /** Lifetime of the identity token sent with each subgraph call (a new one is signed per call). */
    IDENTITY_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
    /** Composed supergraph to serve; default: the committed schema/supergraph.graphql. */
    SUPERGRAPH_PATH: z.string().optional(),
  })
  .refine((e) => !e.RATE_LIMIT_ENABLED || e.GRAPHQL_MAX_BATCH <= e.RATE_LIMIT_BURST_PER_SECOND, {
    message: 'GRAPHQL_MAX_BATCH must not exceed RATE_LIMIT_BURST_PER_SECOND (each operation of a batch counts), or a full batch could never be admitted',
    path: ['GRAPHQL_MAX_BATCH'],
  })
  .refine((e) => !e.RATE_LIMIT_ENABLED || e.RATE_LIMIT_BURST_PER_SECOND <= e.RATE_LIMIT_PER_MINUTE, {
    message: 'RATE_LIMIT_BURST_PER_SECOND must not exceed RATE_LIMIT_PER_MINUTE',
    path: ['RATE_LIMIT_BURST_PER_SECOND'],
  });
export type GatewayEnv = z.infer<typeof gatewayEnv>;
