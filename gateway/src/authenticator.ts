import type { IncomingMessage } from 'node:http';
import type { MikroORM } from '@mikro-orm/postgresql';
import { hashCredential } from '../../lib/auth/api-key.js';
import { ClientTokenSigner } from '../../lib/auth/client-token.js';
import { IdentitySigner, type Identity } from '../../lib/auth/identity.js';
import { presentedCredentials } from '../../lib/auth/presented-credentials.js';
import { clientAddressOf } from '../../lib/auth/forwarded-for.js';
import { userAgentOf } from '../../lib/auth/request-origin.js';
import { REPORT_GRANT_SCOPES, type ReportCredentialRef } from '../../lib/auth/report-url.js';
import { CredentialService } from '../../subgraphs/clients/src/module.js';

/** How the gateway authenticates: the key prefix, the client-token secret, proxy trust. */
export interface AuthenticatorOptions {
  keyPrefix: string;
  /** CLIENT_TOKEN_SECRET: verifies client tokens (JWTs) issued by registerClient. */
  clientTokenSecret: string;
  /** TRUST_PROXY: proxies in front whose X-Forwarded-For entries are believed (0: none). */
  trustedProxyHops: number;
  identityTtlSeconds: number;
}

/**
 * Authenticates each request once at the edge (through the clients module's exported service)
 * and turns the result into the signed identity subgraphs trust. Nothing positive is cached: every
 * request reads its credential's row, so a revoked or expired credential is refused on the very
 * next request on every replica (one indexed lookup; `lastUsedAt` writes are throttled).
 */
export class Authenticator {
  private readonly signer: IdentitySigner;
  private readonly tokens: ClientTokenSigner;

  constructor(
    private readonly clientsOrm: MikroORM,
    secret: string,
    private readonly opts: AuthenticatorOptions,
  ) {
    this.signer = new IdentitySigner(secret, opts.identityTtlSeconds);
    this.tokens = new ClientTokenSigner(opts.clientTokenSecret);
  }

  /**
   * null when no credential is presented or any presented one is malformed, unknown, revoked or
   * expired: every such case is a plain 401. Throws only when the database cannot be asked.
   * The source address and User-Agent come from `origin` (the HTTP request, or a WebSocket's
   * upgrade request) and never from `get`, which may read WebSocket connection params the caller
   * chooses freely.
   */
  async authenticate(get: (name: string) => string | null | undefined, origin?: IncomingMessage): Promise<Identity | null> {
    const identity = await this.identify(get);
    if (!identity) return null;
    return {
      ...identity,
      // The REST adapter's signed caller address when the gateway verified one (forwarded-for.ts).
      sourceIp: clientAddressOf(origin, this.opts.trustedProxyHops),
      userAgent: userAgentOf(headerOf(origin, 'user-agent')),
    };
  }

  /**
   * The identity of a signed report link's credential (the REST adapter verified the link and
   * signed the grant): null when that credential is revoked or expired. Its scopes are narrowed to
   * reading, whatever more the credential may do: a link in an e-mail must not create scans.
   */
  async authenticateGrant(ref: ReportCredentialRef, origin?: IncomingMessage): Promise<Identity | null> {
    const credentials = new CredentialService(this.clientsOrm.em.fork(), this.opts.keyPrefix);
    const identity = await credentials.authenticateById(ref.kind, ref.id);
    if (!identity) return null;
    return {
      ...identity,
      scopes: identity.scopes.filter((s) => (REPORT_GRANT_SCOPES as readonly string[]).includes(s)),
      sourceIp: clientAddressOf(origin, this.opts.trustedProxyHops),
      userAgent: userAgentOf(headerOf(origin, 'user-agent')),
    };
  }

  sign(identity: Identity): Promise<string> {
    return this.signer.sign(identity);
  }

  private async identify(get: (name: string) => string | null | undefined): Promise<Identity | null> {
    const presented = presentedCredentials(get, this.opts.keyPrefix);
    if (presented.kind === 'none' || presented.kind === 'invalid') return null;
    const credentials = new CredentialService(this.clientsOrm.em.fork(), this.opts.keyPrefix);
    if (presented.kind === 'api_key') return credentials.authenticate(presented.key);
    const claims = await this.tokens.verify(presented.token);
    if (!claims) return null;
    const tokenIdentity = await credentials.authenticateClientToken(claims, hashCredential(presented.token));
    if (!tokenIdentity || presented.kind === 'client_token') return tokenIdentity;
    // An API key narrowed to the token's client: both must be valid and of the same account, and
    // a key already limited to a client only accepts a token of that very client.
    const keyIdentity = await credentials.authenticate(presented.key);
    if (!keyIdentity || keyIdentity.accountId !== tokenIdentity.accountId) return null;
    if (keyIdentity.clientId !== null && keyIdentity.clientId !== tokenIdentity.clientId) return null;
    return { ...keyIdentity, clientId: tokenIdentity.clientId };
  }
}

/** All values of a header joined (X-Forwarded-For may arrive in several lines). */
function headerOf(req: IncomingMessage | undefined, name: string): string | null {
  const v = req?.headers[name];
  if (v === undefined) return null;
  return Array.isArray(v) ? v.join(', ') : v;
}
