import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { sourceIpOf } from './request-origin.js';

/**
 * The REST adapter calls the gateway on the caller's behalf, so the gateway's socket address is
 * the adapter's. The adapter sends the caller's real address in this header, signed with a key
 * derived from INTERNAL_TOKEN_SECRET: `<ip>.<unix seconds>.<hmac>`. The gateway believes it only
 * when the signature is valid and fresh, so nobody else can choose the address rate limits and
 * active-scan authorisation records see.
 */
export const FORWARDED_FOR_HEADER = 'x-fixfirst-forwarded-for';

/** A signature older (or newer) than this is refused: a captured header cannot be replayed later. */
const MAX_SKEW_SECONDS = 60;

function keyOf(secret: string): Buffer {
  // Domain-separated from identity tokens signed with the same secret.
  return createHmac('sha256', secret).update('fixfirst forwarded-for v1').digest();
}

function mac(key: Buffer, ip: string, at: number): Buffer {
  return createHmac('sha256', key).update(`${ip}.${at}`).digest();
}

/** Signs caller addresses (the adapter side); the derived key is computed once. */
export class ForwardedForSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = keyOf(secret);
  }

  sign(ip: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
    return `${ip}.${nowSeconds}.${mac(this.key, ip, nowSeconds).toString('base64url')}`;
  }
}

/** Verifies the header (the gateway side): the address, or null when absent, forged or stale. */
export class ForwardedForVerifier {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = keyOf(secret);
  }

  verify(header: string | null | undefined, nowSeconds = Math.floor(Date.now() / 1000)): string | null {
    if (!header || header.length > 200) return null;
    const sigAt = header.lastIndexOf('.');
    const atAt = header.lastIndexOf('.', sigAt - 1);
    if (sigAt < 0 || atAt <= 0) return null;
    const ip = header.slice(0, atAt);
    const at = Number(header.slice(atAt + 1, sigAt));
    if (!isIP(ip) || !Number.isInteger(at) || Math.abs(nowSeconds - at) > MAX_SKEW_SECONDS) return null;
    const given = Buffer.from(header.slice(sigAt + 1), 'base64url');
    const expected = mac(this.key, ip, at);
    return given.length === expected.length && timingSafeEqual(given, expected) ? ip : null;
  }
}

/** Addresses the gateway verified for a request; kept off the headers so nothing downstream can forge one. */
const verified = new WeakMap<IncomingMessage, string>();

/** Records a verified caller address for `req` (the gateway, once per request). */
export function trustForwardedFor(req: IncomingMessage, ip: string): void {
  verified.set(req, ip);
}

/**
 * The caller's address: the adapter-signed one when the gateway verified it, else the socket (or
 * X-Forwarded-For behind `trustedHops` proxies).
 */
export function clientAddressOf(req: IncomingMessage | undefined, trustedHops: number): string | null {
  if (!req) return null;
  const fromAdapter = verified.get(req);
  if (fromAdapter) return fromAdapter;
  const forwarded = req.headers['x-forwarded-for'];
  return sourceIpOf(req.socket?.remoteAddress, Array.isArray(forwarded) ? forwarded.join(', ') : forwarded, trustedHops);
}
