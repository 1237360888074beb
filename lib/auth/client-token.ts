import { randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { Scope } from './tenant.js';

export const CLIENT_TOKEN_ISSUER = 'fixfirst';
export const CLIENT_TOKEN_AUDIENCE = 'fixfirst-client-api';

/** What a client token alone may do: work with its own client's scans, findings and reports. */
export const CLIENT_TOKEN_SCOPES: readonly Scope[] = ['scans:read', 'scans:write', 'findings:read', 'findings:write', 'reports:read'];

/** Longer than any token we issue; anything bigger is refused before it is parsed. */
const MAX_TOKEN_LENGTH = 2048;
const JWT_SHAPE = /^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*$/;

/** A shape check only: three base64url segments. Says nothing about validity. */
export function looksLikeJwt(candidate: string): boolean {
  return candidate.length <= MAX_TOKEN_LENGTH && JWT_SHAPE.test(candidate);
}

/** A freshly issued token; `token` and `jti` are shown once and stored only hashed. */
export interface IssuedClientToken {
  token: string;
  jti: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** The verified claims of a client token (its revocation is checked against the database). */
export interface ClientTokenClaims {
  clientId: string;
  jti: string;
}

/**
 * Signs and verifies client tokens (HS256, issuer and audience pinned). `verify` never throws:
 * every bad token (wrong key, `alg: none`, expired, malformed, missing claims) is simply null.
 */
export class ClientTokenSigner {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    if (secret.length < 32) throw new Error('CLIENT_TOKEN_SECRET must be at least 32 characters');
    this.key = new TextEncoder().encode(secret);
  }

  async issue(clientId: string, ttlSeconds: number, now = new Date()): Promise<IssuedClientToken> {
    const jti = randomBytes(24).toString('base64url');
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + ttlSeconds;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(CLIENT_TOKEN_ISSUER)
      .setAudience(CLIENT_TOKEN_AUDIENCE)
      .setSubject(clientId)
      .setJti(jti)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, jti, issuedAt: new Date(iat * 1000), expiresAt: new Date(exp * 1000) };
  }

  async verify(token: string): Promise<ClientTokenClaims | null> {
    if (!looksLikeJwt(token)) return null;
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: CLIENT_TOKEN_ISSUER,
        audience: CLIENT_TOKEN_AUDIENCE,
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'jti', 'exp', 'iat'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string') return null;
      if (!/^[0-9a-f-]{36}$/i.test(payload.sub) || payload.jti.length > 128) return null;
      return { clientId: payload.sub, jti: payload.jti };
    } catch {
      return null;
    }
  }
}
