import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity } from '../../lib/auth/identity.js';
import { clientAddressOf } from '../../lib/auth/forwarded-for.js';
import { rateLimitedResponse, rateLimitHeaders, type EdgeRateLimiter, type RateLimitDecision } from '../../lib/http/rate-limit.js';

export interface EdgeGuardOptions {
  /** null when RATE_LIMIT_ENABLED=false. */
  limiter: EdgeRateLimiter | null;
  maxBodyBytes: number;
  maxBatch: number;
  /** Proxy hops trusted to append X-Forwarded-For (TRUST_PROXY). */
  trustProxy: number;
}

const json = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) => ({
  status,
  body: JSON.stringify({ errors: [{ message, extensions: { code, ...extra } }] }),
});

/**
 * What the gateway checks on a request before GraphQL sees it: the rate limit (per credential, or
 * per client address for requests without a valid one), the body size and the batch size. Each
 * refusal is a complete JSON answer; RateLimit-* headers go on every answer of a limited caller.
 */
export class EdgeGuard {
  constructor(private readonly opts: EdgeGuardOptions) {}

  /** Counter key: the credential's SHA-256, or the caller's address when it has no valid credential. */
  keyOf(identity: Identity | null, req: IncomingMessage): string {
    return identity ? `cred:${identity.credentialHash}` : `ip:${this.clientIp(req)}`;
  }

  clientIp(req: IncomingMessage): string {
    return clientAddressOf(req, this.opts.trustProxy) ?? 'unknown';
  }

  /**
   * Counts the request (unless `counted`: the REST adapter already counted the REST request this
   * call serves) and, for a caller with a credential, reads and checks the body (left on
   * `req.body` for the GraphQL server). False when it has answered the request itself.
   */
  async admitHttp(req: IncomingMessage, res: ServerResponse, identity: Identity | null, opts: { counted?: boolean } = {}): Promise<boolean> {
    const key = this.keyOf(identity, req);
    const counted = opts.counted ?? false;
    if (!counted && !(await this.count(res, key, 1))) return false;
    if (!identity || req.method !== 'POST') return true;
    const max = this.opts.maxBodyBytes;
    const declared = Number(req.headers['content-length'] ?? NaN);
    const body = declared > max ? null : await readBody(req, max);
    if (!body) return this.refuse(res, json(413, 'PAYLOAD_TOO_LARGE', `The request body exceeds the limit of ${max} bytes`, { limit: max }), true);
    const operations = batchSize(body, req.headers['content-type']);
    if (operations > this.opts.maxBatch) {
      return this.refuse(res, json(413, 'BATCH_LIMIT_EXCEEDED', `A batch may hold at most ${this.opts.maxBatch} operations; this one has ${operations}`, { limit: this.opts.maxBatch }));
    }
    // Each operation of a batch is a request: the first was counted above.
    if (!counted && operations > 1 && !(await this.count(res, key, operations - 1))) return false;
    if (body.length) (req as IncomingMessage & { body?: Buffer }).body = body;
    return true;
  }

  /** One WebSocket connection or operation; the decision, or null when limits are off. */
  async consume(key: string): Promise<RateLimitDecision | null> {
    return this.opts.limiter ? this.opts.limiter.consume(key, 1) : null;
  }

  private async count(res: ServerResponse, key: string, points: number): Promise<boolean> {
    if (!this.opts.limiter) return true;
    const decision = await this.opts.limiter.consume(key, points);
    if (!decision.allowed) {
      const answer = rateLimitedResponse(decision, 'graphql');
      res.writeHead(answer.status, answer.headers).end(answer.body);
      return false;
    }
    for (const [name, value] of Object.entries(rateLimitHeaders(decision))) res.setHeader(name, value);
    return true;
  }

  private refuse(res: ServerResponse, answer: { status: number; body: string }, closeConnection = false): false {
    // An unread oversized body is not drained: the connection is closed after the answer instead.
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...(closeConnection ? { connection: 'close' } : {}) }).end(answer.body);
    return false;
  }
}

/** The whole body, or null once it passes `max` bytes (reading stops there). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total <= max) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.off('end', onEnd);
      req.pause();
      resolve(null);
    };
    const onEnd = (): void => resolve(Buffer.concat(chunks, total));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', reject);
  });
}

/** Operations in a JSON body: the length of a batch (a JSON array), else 1. */
export function batchSize(body: Buffer, contentType: string | undefined): number {
  if (!contentType?.includes('json')) return 1;
  let i = 0;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)) i++;
  if (body[i] !== 0x5b /* [ */) return 1;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return Array.isArray(parsed) ? Math.max(1, parsed.length) : 1;
  } catch {
    return 1; // malformed JSON: the GraphQL server answers it
  }
}
