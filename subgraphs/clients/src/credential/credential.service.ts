import type { EntityManager } from '@mikro-orm/postgresql';
import { generateApiKey, hashCredential, keyPreview, looksLikeApiKey } from '../../../../lib/auth/api-key.js';
import { CLIENT_TOKEN_SCOPES, type ClientTokenClaims } from '../../../../lib/auth/client-token.js';
import type { Identity } from '../../../../lib/auth/identity.js';
import { SCOPES } from '../../../../lib/auth/tenant.js';
import { AccountEntity } from '../account/account.entity.js';
import { ClientEntity, clientNameKey } from '../client/client.entity.js';
import { DEFAULT_CLIENT_NAME } from '../client/client.service.js';
import { ApiKeyEntity } from './api-key.entity.js';
import { ClientTokenEntity } from './client-token.entity.js';

/**
 * `lastUsedAt` is kept to this resolution: authentication writes at most once per interval per
 * credential (a conditional UPDATE, so replicas racing write once), never on every request.
 */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Result of the first-start bootstrap: the key's plaintext only when it was generated here. */
export interface BootstrapResult {
  created: boolean;
  accountId: string;
  generatedKey: string | null;
}

/**
 * Turns a presented credential into an Identity. Exported for the gateway, which authenticates
 * each request once; only SHA-256 digests are ever looked up.
 */
export class CredentialService {
  constructor(
    private readonly em: EntityManager,
    private readonly keyPrefix: string,
  ) {}

  /**
   * An API key's identity; null when the key is malformed, unknown, revoked or expired. Reads the
   * row on every call (no cache), so a revocation holds on the very next request on any replica.
   */
  async authenticate(presented: string): Promise<Identity | null> {
    if (!looksLikeApiKey(presented, this.keyPrefix)) return null;
    const keyHash = hashCredential(presented);
    const key = await this.em.findOne(ApiKeyEntity, { keyHash }, { disableIdentityMap: true });
    if (!key || key.revokedAt) return null;
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) return null;
    await this.touch(ApiKeyEntity, key.id, key.lastUsedAt ?? null);
    return {
      accountId: key.accountId,
      clientId: key.clientId ?? null,
      scopes: [...key.scopes],
      credentialId: key.id,
      credentialHash: keyHash,
      credentialKind: 'api_key',
    };
  }

  /**
   * A client token's identity from its verified claims (the signature, issuer, audience and `exp`
   * are the caller's to check first); null when its `jti` is unknown, revoked, expired or was
   * issued for another client. `tokenHash` is the SHA-256 of the whole presented token.
   */
  async authenticateClientToken(claims: ClientTokenClaims, tokenHash: string): Promise<Identity | null> {
    const row = await this.em.findOne(ClientTokenEntity, { jtiHash: hashCredential(claims.jti) }, { disableIdentityMap: true });
    if (!row || row.revokedAt || row.clientId !== claims.clientId) return null;
    if (row.expiresAt.getTime() <= Date.now()) return null;
    await this.touch(ClientTokenEntity, row.id, row.lastUsedAt ?? null);
    return {
      accountId: row.accountId,
      clientId: row.clientId,
      scopes: [...CLIENT_TOKEN_SCOPES],
      credentialId: row.id,
      credentialHash: tokenHash,
      credentialKind: 'client_token',
    };
  }

  /**
   * The identity of a credential named by id, for a signed report link the REST adapter verified
   * (lib/auth/report-url.ts): the same revoked/expired checks as presenting it, read on every call,
   * so a revoked credential's links stop working on the very next request.
   */
  async authenticateById(kind: 'key' | 'token', id: string): Promise<Identity | null> {
    if (kind === 'key') {
      const key = await this.em.findOne(ApiKeyEntity, { id }, { disableIdentityMap: true });
      if (!key || key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= Date.now())) return null;
      return { accountId: key.accountId, clientId: key.clientId ?? null, scopes: [...key.scopes], credentialId: key.id, credentialHash: key.keyHash, credentialKind: 'api_key' };
    }
    const row = await this.em.findOne(ClientTokenEntity, { id }, { disableIdentityMap: true });
    if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now()) return null;
    // The token's plaintext is never stored; its limits are keyed on the jti digest instead.
    return { accountId: row.accountId, clientId: row.clientId, scopes: [...CLIENT_TOKEN_SCOPES], credentialId: row.id, credentialHash: row.jtiHash, credentialKind: 'client_token' };
  }

  /** Records a use, unless one was recorded within LAST_USED_RESOLUTION_MS. */
  private async touch(entity: typeof ApiKeyEntity | typeof ClientTokenEntity, id: string, lastUsedAt: Date | null): Promise<void> {
    const now = new Date();
    if (lastUsedAt && now.getTime() - lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
    const cutoff = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    await this.em.nativeUpdate(entity as typeof ApiKeyEntity, { id, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lt: cutoff } }] }, { lastUsedAt: now });
  }

  /**
   * On an empty database, creates the operator account, its default client and an all-scopes API
   * key: `bootstrapKey` when given (BOOTSTRAP_API_KEY), else a generated one returned once.
   * Safe to run from several processes at once (one transaction under an advisory lock).
   */
  async bootstrap(opts: { accountName: string; bootstrapKey?: string }): Promise<BootstrapResult> {
    if (opts.bootstrapKey && !looksLikeApiKey(opts.bootstrapKey, this.keyPrefix)) {
      throw new Error(`BOOTSTRAP_API_KEY must be "${this.keyPrefix}" followed by 43 base64url characters`);
    }
    return this.em.transactional(async (em) => {
      await em.getConnection().execute('select pg_advisory_xact_lock(73531)', [], 'all', em.getTransactionContext());
      const [existing] = await em.find(AccountEntity, {}, { orderBy: { createdAt: 'asc' }, limit: 1 });
      if (existing) return { created: false, accountId: existing.id, generatedKey: null };
      const plaintext = opts.bootstrapKey ?? generateApiKey(this.keyPrefix);
      const owner = this.createOwner(em, opts.accountName, plaintext, 'bootstrap');
      await em.flush();
      return { created: true, accountId: owner.accountId, generatedKey: opts.bootstrapKey ? null : plaintext };
    });
  }

  /** Creates an account with an all-scopes key; used by tests and the future signup flow. */
  async createAccountWithKey(accountName: string): Promise<{ accountId: string; apiKey: string; defaultClientId: string }> {
    return this.em.transactional(async (em) => {
      const apiKey = generateApiKey(this.keyPrefix);
      const owner = this.createOwner(em, accountName, apiKey, 'default');
      await em.flush();
      return { ...owner, apiKey };
    });
  }

  /** An account, its default client and an all-scopes key for `plaintext` (stored hashed). */
  private createOwner(em: EntityManager, accountName: string, plaintext: string, keyName: string): { accountId: string; defaultClientId: string } {
    const account = em.create(AccountEntity, { name: accountName });
    const client = em.create(ClientEntity, { accountId: account.id, name: DEFAULT_CLIENT_NAME, nameKey: clientNameKey(DEFAULT_CLIENT_NAME) });
    em.create(ApiKeyEntity, {
      accountId: account.id,
      clientId: null,
      name: keyName,
      keyHash: hashCredential(plaintext),
      preview: keyPreview(plaintext, this.keyPrefix),
      scopes: [...SCOPES],
    });
    return { accountId: account.id, defaultClientId: client.id };
  }
}
