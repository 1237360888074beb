import { jwtVerify, SignJWT } from 'jose';
import { UnauthenticatedError } from '../errors.js';

/** Who is calling, as the gateway established it. Subgraphs trust only this, never raw keys. */
export interface Identity {
  accountId: string;
  /** Set when the credential is scoped to one client; null for account-wide credentials. */
  clientId: string | null;
  scopes: string[];
  /** Id of the credential used (API key id), for audit. */
  credentialId: string;
  /** SHA-256 of the presented credential: rate limits and idempotency key on it. */
  credentialHash: string;
  /** What authenticated the caller; absent means an API key (identities signed before it existed). */
  credentialKind?: CredentialKind;
  /** The caller's address as the gateway saw it (X-Forwarded-For only behind a trusted proxy). */
  sourceIp?: string | null;
  /** The caller's User-Agent, truncated; audit records (active-scan authorisations) keep it. */
  userAgent?: string | null;
}

/** `api_key` also covers an API key narrowed to a client by a client token sent alongside it. */
export type CredentialKind = 'api_key' | 'client_token';

export const IDENTITY_HEADER = 'x-fixfirst-identity';
const ISSUER = 'fixfirst-gateway';
const AUDIENCE = 'fixfirst-subgraphs';

/** Signs and verifies the short-lived identity the gateway forwards to subgraphs. */
export class IdentitySigner {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlSeconds = 300,
  ) {
    if (secret.length < 32) throw new Error('INTERNAL_TOKEN_SECRET must be at least 32 characters');
    this.key = new TextEncoder().encode(secret);
  }

  async sign(identity: Identity): Promise<string> {
    return new SignJWT({
      acc: identity.accountId,
      cli: identity.clientId,
      scp: identity.scopes,
      cid: identity.credentialId,
      chs: identity.credentialHash,
      knd: identity.credentialKind ?? 'api_key',
      sip: identity.sourceIp ?? null,
      ua: identity.userAgent ?? null,
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  /** Throws UnauthenticatedError for a missing, forged or expired token. */
  async verify(token: string | null | undefined): Promise<Identity> {
    if (!token) throw new UnauthenticatedError('Missing gateway identity');
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      if (typeof payload.acc !== 'string' || !Array.isArray(payload.scp) || typeof payload.cid !== 'string') {
        throw new Error('malformed identity');
      }
      return {
        accountId: payload.acc,
        clientId: typeof payload.cli === 'string' ? payload.cli : null,
        scopes: payload.scp.filter((s): s is string => typeof s === 'string'),
        credentialId: payload.cid,
        credentialHash: typeof payload.chs === 'string' ? payload.chs : '',
        credentialKind: payload.knd === 'client_token' ? 'client_token' : 'api_key',
        sourceIp: typeof payload.sip === 'string' ? payload.sip : null,
        userAgent: typeof payload.ua === 'string' ? payload.ua : null,
      };
    } catch {
      throw new UnauthenticatedError('Invalid gateway identity');
    }
  }
}
