import { z } from 'zod';
import { trustProxyEnv } from '../../lib/auth/auth-env.js';
import { count, databaseUrl, internalSecret, logLevel, port } from '../../lib/config/env.js';
import { rateLimitEnv } from '../../lib/http/rate-limit.js';
import { pdfEnv } from './reports/pdf-env.js';
import { billingWebhookEnv } from './billing-webhook-proxy.js';


/**
 * Idempotency-Key records: how long a key holds its first answer, and how long a request that
 * reuses the key of one still running waits for it before answering 409.
 */
const idempotencyEnv = z.object({
  IDEMPOTENCY_TTL_HOURS: count(1, 24 * 30, 24),
  IDEMPOTENCY_WAIT_MS: count(0, 120_000, 10_000),
});

/** Configuration of the REST adapter (`npm run start:rest`). */
export const restEnv = z
  .object({
    /** Where the adapter sends its GraphQL operations. */
    GATEWAY_URL: z.string().url().default('http://127.0.0.1:4000/graphql'),
    /** Signs the caller's address for the gateway; the same secret the gateway has. */
    INTERNAL_TOKEN_SECRET: internalSecret,
    /** Idempotency records live here (schema `edge`, created at start). */
    DATABASE_URL: databaseUrl,
    DB_POOL_MAX: count(1, 100, 10),
    REST_PORT: port(8080),
    HOST: z.string().default('127.0.0.1'),
    /** Base URL callers reach the adapter at, for links in answers; default http://HOST:REST_PORT. */
    REST_PUBLIC_URL: z.string().url().optional(),
    /** Largest JSON request body; larger ones are answered 413 payload_too_large. */
    REST_MAX_BODY_BYTES: count(1024, 64 * 1024 * 1024, 1024 * 1024),
    /** A gateway call taking longer than this is answered 503 service_unavailable. */
    GATEWAY_TIMEOUT_MS: count(100, 600_000, 30_000),
    LOG_LEVEL: logLevel,
  })
  .merge(trustProxyEnv)
  .merge(idempotencyEnv)
  .merge(rateLimitEnv)
  .merge(pdfEnv)
  .merge(billingWebhookEnv);
export type RestEnv = z.infer<typeof restEnv>;
