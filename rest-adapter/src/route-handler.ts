import type { Request, RequestHandler, Response } from 'express';
import { clientAddressOf, FORWARDED_FOR_HEADER, type ForwardedForSigner } from '../../lib/auth/forwarded-for.js';
import { hashCredential } from '../../lib/auth/api-key.js';
import { userAgentOf } from '../../lib/auth/request-origin.js';
import { rateLimitHeaders, type EdgeRateLimiter } from '../../lib/http/rate-limit.js';
import { callerCredentials, type CallerCredentials } from './credentials.js';
import type { ReportLinkAccess } from './reports/signed-url.js';
import { RestError } from './errors.js';
import type { GatewayClient } from './gateway-client.js';
import { fingerprintOf, type IdempotencyStore, type StoredAnswer } from './idempotency.js';
import { validateInput } from './request-validation.js';
import { dataOf, GatewayRouteContext } from './route-context.js';
import { RawAnswer, type RouteDef } from './route.js';

/** What every route handler shares. */
export interface HandlerDeps {
  gateway: GatewayClient;
  operations: ReadonlyMap<string, string>;
  idempotency: IdempotencyStore;
  forwardedFor: ForwardedForSigner;
  publicBaseUrl: string;
  /** TRUST_PROXY of the adapter: proxies in front of it whose X-Forwarded-For is believed. */
  trustProxy: number;
  /** The edge rate limiter (null: limits off). */
  limiter: EdgeRateLimiter | null;
  /** Verifies signed report links (absent: report routes take API keys only). */
  reportLinks?: ReportLinkAccess;
}

/** Header of a replayed answer (as Stripe's API does), so a client can tell a replay from a first run. */
export const REPLAYED_HEADER = 'idempotent-replayed';
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** Proves a credential is still valid before a stored answer is replayed (no subgraph is asked). */
const CREDENTIAL_CHECK = 'query RestCredentialCheck { __typename }';

/**
 * The Express handler of one route: auth form, input validation, Idempotency-Key (POST), then the
 * route's `handle()` with the gateway context; any error goes to the error middleware.
 */
export function routeHandler(route: RouteDef, deps: HandlerDeps): RequestHandler {
  return async (req, res) => {
    const credentials = callerCredentials(req, route.auth, deps.reportLinks);
    await countRequest(req, res, credentials, deps);
    const input = validateInput(route, req);
    const headers = gatewayHeaders(req, credentials, deps);
    const ctx = new GatewayRouteContext(deps.gateway, deps.operations, headers, res, deps.publicBaseUrl, route.operations);
    const key = route.method === 'post' ? idempotencyKeyOf(req) : null;
    if (!key) {
      send(res, await run(route, input, ctx));
      return;
    }
    const fingerprint = fingerprintOf(route.method, route.path, req.params, req.query, req.body ?? null);
    const claim = await deps.idempotency.begin(credentials.material, key, fingerprint);
    if (claim.kind !== 'run') {
      // Whatever the key holds, the caller must still hold a valid credential (a revoked key is 401
      // on the very next call, replay or not), and the check counts against its rate limit.
      dataOf(await deps.gateway.post(CREDENTIAL_CHECK, {}, headers));
      if (claim.kind === 'mismatch') throw new RestError('conflict', { message: 'This Idempotency-Key was already used with another request; use a new key for a new request' });
      if (claim.kind === 'busy') throw new RestError('conflict', { message: 'A request with this Idempotency-Key is still being processed; retry shortly to get its answer' });
      res.setHeader(REPLAYED_HEADER, 'true');
      send(res, claim.answer);
      return;
    }
    let answer: StoredAnswer;
    try {
      const result = await run(route, input, ctx);
      if (result instanceof RawAnswer) throw new Error(`${route.operationId}: a POST route may not answer a RawAnswer (it cannot be replayed)`);
      answer = result;
    } catch (err) {
      await claim.release();
      throw err;
    }
    await claim.complete(answer);
    send(res, answer);
  };
}

async function run(route: RouteDef, input: ReturnType<typeof validateInput>, ctx: GatewayRouteContext): Promise<StoredAnswer | RawAnswer> {
  const result = await route.handle(input, ctx);
  if (result instanceof RawAnswer) return result;
  if (route.success.contentType === 'text/html') {
    return { status: route.success.status, contentType: 'text/html; charset=utf-8', body: String(result) };
  }
  return { status: route.success.status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(result) };
}

function send(res: Response, answer: StoredAnswer | RawAnswer): void {
  if (answer instanceof RawAnswer) {
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    res.status(200).type(answer.contentType).send(answer.body);
    return;
  }
  res.status(answer.status).type(answer.contentType).send(answer.body);
}

/**
 * One REST request is one request against the credential's limits, however many operations its
 * route runs (a scan's findings are read page by page): counted here under the key the gateway
 * uses (the SHA-256 of the credential that authenticates), and the gateway does not count the
 * operations again for calls signed by the adapter. A credential the gateway then refuses is
 * still limited there, per caller address.
 */
async function countRequest(req: Request, res: Response, credentials: CallerCredentials, deps: HandlerDeps): Promise<void> {
  if (!deps.limiter) return;
  const decision = await deps.limiter.consume(`cred:${hashCredential(credentials.primary)}`, 1);
  const headers = rateLimitHeaders(decision);
  if (!decision.allowed) {
    throw new RestError('rate_limited', { retry_after_seconds: decision.retryAfterSeconds }, { ...headers, 'retry-after': String(decision.retryAfterSeconds) });
  }
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}

/** The Idempotency-Key header, or null; a malformed one is invalid_input. */
function idempotencyKeyOf(req: Request): string | null {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return null;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key || !IDEMPOTENCY_KEY.test(key)) {
    throw new RestError('invalid_input', { issues: [{ field: 'Idempotency-Key', message: 'Must be 1 to 255 visible ASCII characters' }] });
  }
  return key;
}

/** Credentials, the signed caller address and User-Agent for every gateway call of this request. */
function gatewayHeaders(req: Request, credentials: CallerCredentials, deps: HandlerDeps): Record<string, string> {
  const headers: Record<string, string> = { ...credentials.headers };
  const ip = clientAddressOf(req, deps.trustProxy);
  if (ip) headers[FORWARDED_FOR_HEADER] = deps.forwardedFor.sign(ip);
  const ua = userAgentOf(req.headers['user-agent']);
  if (ua) headers['user-agent'] = ua;
  return headers;
}
