import type { Response } from 'express';
import { RestError, restErrorOf, type GraphQLErrorLike } from './errors.js';
import type { GatewayAnswer, GatewayClient } from './gateway-client.js';
import type { RouteContext } from './route.js';

/** Headers of a gateway answer that the REST answer carries too (the caller's own rate limit). */
const PASSED_HEADERS = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy', 'retry-after'] as const;

/**
 * The gateway, as one REST request's handler sees it: every operation goes with the caller's own
 * credential headers and signed address, and every GraphQL error is turned into a RestError
 * through the one table (errors.ts `restErrorOf`).
 */
export class GatewayRouteContext implements RouteContext {
  constructor(
    private readonly client: GatewayClient,
    private readonly operations: ReadonlyMap<string, string>,
    /** Sent with every call: credentials, `x-fixfirst-forwarded-for`, the caller's User-Agent. */
    private readonly headers: Record<string, string>,
    private readonly res: Response,
    readonly publicBaseUrl: string,
    /** Operations the route declared: it may run no other (the spec and the start check list these). */
    private readonly allowed: readonly string[],
  ) {}

  async graphql<T = Record<string, unknown>>(operation: string, variables: Record<string, unknown> = {}): Promise<T> {
    const document = this.operations.get(operation);
    if (document === undefined || !this.allowed.includes(operation)) {
      throw new Error(`operation "${operation}" is not declared by this route or not loaded`);
    }
    const answer = await this.client.post(document, variables, this.headers);
    this.passHeaders(answer);
    return dataOf<T>(answer);
  }

  private passHeaders(answer: GatewayAnswer): void {
    for (const name of PASSED_HEADERS) {
      const value = answer.headers[name];
      if (typeof value === 'string' && !this.res.headersSent) this.res.setHeader(name, value);
    }
  }
}

/** The answer's `data`, or the RestError of its first GraphQL error (or of its HTTP status). */
export function dataOf<T>(answer: GatewayAnswer): T {
  const body = (answer.body ?? {}) as { data?: T | null; errors?: GraphQLErrorLike[] };
  const first = Array.isArray(body.errors) ? body.errors[0] : undefined;
  if (first) throw withRetryAfter(restErrorOf(first, answer.status), answer);
  if (answer.status === 401) throw new RestError('invalid_token');
  if (answer.status === 429) throw withRetryAfter(restErrorOf({ message: 'rate limited', extensions: { code: 'RATE_LIMITED' } }, 429), answer);
  if (answer.status === 503) throw new RestError('service_unavailable');
  if (answer.status >= 400 || body.data === undefined || body.data === null) {
    throw new Error(`gateway answered HTTP ${answer.status} without data`);
  }
  return body.data;
}

/** A gateway 429 says when to retry in its Retry-After header too; the REST answer keeps it. */
function withRetryAfter(err: RestError, answer: GatewayAnswer): RestError {
  if (err.error !== 'rate_limited') return err;
  const header = Number(answer.headers['retry-after']);
  const seconds = Number.isFinite(header) && header > 0 ? header : Number(err.extra.retry_after_seconds ?? 1);
  return new RestError('rate_limited', { ...err.extra, retry_after_seconds: seconds }, { ...err.headers, 'retry-after': String(seconds) });
}
