import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { ForwardedForSigner } from '../../lib/auth/forwarded-for.js';
import { parseEnv } from '../../lib/config/env.js';
import type { RunningServer } from '../../lib/http/subgraph-server.js';
import { EdgeRateLimiter } from '../../lib/http/rate-limit.js';
import { createLogger } from '../../lib/logger.js';
import { buildRestApp } from './app.js';
import { billingWebhookUrlOf } from './billing-webhook-proxy.js';
import { restEnv, type RestEnv } from './env.js';
import { GatewayClient } from './gateway-client.js';
import { IdempotencyStore } from './idempotency.js';
import { loadOperations } from './operations.js';
import { ReportLinkAccess } from './reports/signed-url.js';
import { OPENAPI_PATH } from './openapi/openapi-artifact.js';
import { closePdf, configurePdf } from './reports/pdf.js';
import type { RouteDef } from './route.js';
import { ROUTES } from './routes-table.js';

export interface RestAdapterOptions {
  /** Default: both dialects' routes. */
  routes?: readonly RouteDef[];
  /** Default: rest-adapter/operations/. */
  operationsDir?: string;
  /** Default: the committed rest-adapter/openapi.yaml. */
  specYaml?: string;
}

/**
 * The REST adapter (`npm run start:rest`): the two published REST APIs over the gateway. It keeps
 * no state of its own beyond Idempotency-Key records (PostgreSQL, schema `edge`).
 */
export async function startRestAdapter(env: RestEnv = parseEnv(restEnv), opts: RestAdapterOptions = {}): Promise<RunningServer> {
  const log = createLogger('rest', env.LOG_LEVEL);
  configurePdf(env);
  const routes = opts.routes ?? ROUTES;
  const operations = loadOperations(routes, opts.operationsDir);
  if (opts.specYaml === undefined && !existsSync(OPENAPI_PATH)) throw new Error(`${OPENAPI_PATH} is missing: run npm run generate`);
  const specYaml = opts.specYaml ?? readFileSync(OPENAPI_PATH, 'utf8');
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: env.DB_POOL_MAX });
  pool.on('error', (err) => log.warn({ err: err.message }, 'idempotency pool connection lost'));
  const gateway = new GatewayClient(env.GATEWAY_URL, env.GATEWAY_TIMEOUT_MS);
  let idempotency: IdempotencyStore;
  try {
    idempotency = await IdempotencyStore.open(pool, env.INTERNAL_TOKEN_SECRET, { ttlHours: env.IDEMPOTENCY_TTL_HOURS, waitMs: env.IDEMPOTENCY_WAIT_MS }, log);
  } catch (err) {
    await pool.end();
    throw err;
  }
  // The gateway's own counters (same table, same keys): a credential has one budget, REST or GraphQL.
  const limiter = env.RATE_LIMIT_ENABLED
    ? await EdgeRateLimiter.open({ pool }, { burstPerSecond: env.RATE_LIMIT_BURST_PER_SECOND, perMinute: env.RATE_LIMIT_PER_MINUTE }, log).catch(async (err: unknown) => {
        idempotency.close();
        await pool.end();
        throw err;
      })
    : null;
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.REST_PORT, env.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const publicBaseUrl = (env.REST_PUBLIC_URL ?? `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${port}`).replace(/\/$/, '');
  const app = buildRestApp({
    routes,
    operations,
    gateway,
    idempotency,
    forwardedFor: new ForwardedForSigner(env.INTERNAL_TOKEN_SECRET),
    pool,
    specYaml,
    publicBaseUrl,
    maxBodyBytes: env.REST_MAX_BODY_BYTES,
    trustProxy: env.TRUST_PROXY,
    limiter,
    reportLinks: new ReportLinkAccess(env.INTERNAL_TOKEN_SECRET),
    billingWebhookUrl: billingWebhookUrlOf(env),
    log,
  });
  server.on('request', app);
  log.info({ port, routes: routes.length }, 'REST adapter listening');
  return {
    port,
    url: publicBaseUrl,
    close: async () => {
      server.closeIdleConnections();
      await new Promise<void>((r) => server.close(() => r()));
      idempotency.close();
      gateway.close();
      await pool.end();
      await closePdf();
    },
  };
}
