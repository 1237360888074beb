import express, { type Express } from 'express';
import type pg from 'pg';
import type { ForwardedForSigner } from '../../lib/auth/forwarded-for.js';
import type { EdgeRateLimiter } from '../../lib/http/rate-limit.js';
import type { Logger } from '../../lib/logger.js';
import { BILLING_WEBHOOK_PATH, billingWebhookProxy } from './billing-webhook-proxy.js';
import { docsRouter } from './docs.js';
import { errorHandler, notFound } from './error-handler.js';
import type { GatewayClient } from './gateway-client.js';
import type { IdempotencyStore } from './idempotency.js';
import type { ReportLinkAccess } from './reports/signed-url.js';
import { routeHandler } from './route-handler.js';
import type { RouteDef } from './route.js';

/** What the app is built from; the server passes the real ones, tests may pass a small route table. */
export interface RestAppDeps {
  routes: readonly RouteDef[];
  operations: ReadonlyMap<string, string>;
  gateway: GatewayClient;
  idempotency: IdempotencyStore;
  forwardedFor: ForwardedForSigner;
  pool: pg.Pool;
  /** The OpenAPI document served at /docs/api/openapi (YAML). */
  specYaml: string;
  publicBaseUrl: string;
  maxBodyBytes: number;
  trustProxy: number;
  /** One count per REST request, in the gateway's own counters (null: limits off). */
  limiter: EdgeRateLimiter | null;
  /** Verifies signed report links (Scan.reportUrl); absent: report routes take API keys only. */
  reportLinks?: ReportLinkAccess;
  /** The billing subgraph's webhook, relayed raw at POST /billing/webhook (absent: not served). */
  billingWebhookUrl?: string;
  log: Logger;
}

/** `/scan/{job_id}` → `/scan/:job_id` (Express 5 / path-to-regexp 8). */
export function expressPath(openApiPath: string): string {
  return openApiPath.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ':$1');
}

/**
 * The REST adapter's Express app: health, docs, one handler per route of the table, then the
 * JSON 404 and the error middleware (every error a JSON body with an `error` key).
 */
export function buildRestApp(deps: RestAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Query strings as flat strings (`?severity=critical,high`), never nested objects or arrays of them.
  app.set('query parser', 'simple');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const [gateway, database] = await Promise.all([
      deps.gateway.healthy(),
      deps.pool.query('select 1').then(
        () => true,
        () => false,
      ),
    ]);
    const ok = gateway && database;
    res.status(ok ? 200 : 503).json(ok ? { status: 'ok' } : { error: 'service_unavailable', gateway, database });
  });
  app.use(docsRouter(deps.specYaml));
  // Stripe's webhook: relayed byte for byte to billing (its signature covers the raw body).
  if (deps.billingWebhookUrl) app.post(BILLING_WEBHOOK_PATH, ...billingWebhookProxy(deps.billingWebhookUrl, deps.log));

  const json = express.json({ limit: deps.maxBodyBytes, type: () => true, strict: true });
  const api = express.Router();
  api.use((_req, res, next) => {
    // Answers are per caller and may carry data of one tenant: never cached by anything in between.
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-content-type-options', 'nosniff');
    next();
  });
  for (const route of deps.routes) {
    const handler = routeHandler(route, deps);
    const p = expressPath(route.path);
    if (route.method === 'get') api.get(p, handler);
    else api[route.method](p, json, handler);
  }
  app.use(api);
  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
