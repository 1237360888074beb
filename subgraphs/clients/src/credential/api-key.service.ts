import type { EntityManager } from '@mikro-orm/postgresql';
import { generateApiKey, hashCredential, keyPreview } from '../../../../lib/auth/api-key.js';
import type { Identity } from '../../../../lib/auth/identity.js';
import { requireScope, tenantOf } from '../../../../lib/auth/tenant.js';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../../../../lib/errors.js';
import { ClientService } from '../client/client.service.js';
import { isUuid, parseInput } from '../validation.js';
import { createApiKeySchema } from './api-key.input.js';
import { ApiKeyEntity } from './api-key.entity.js';
import { ClientTokenEntity } from './client-token.entity.js';

/** A new key: `plaintext` is returned to the caller once and exists nowhere else. */
export interface CreatedApiKey {
  key: ApiKeyEntity;
  plaintext: string;
}

/**
 * Managing API keys (`clients:admin`). A key never gets more than its creator has: no scope the
 * creator lacks, no client beyond the creator's reach, no life beyond the creator's expiry.
 */
export class ApiKeyService {
  constructor(
    private readonly em: EntityManager,
    private readonly identity: Identity,
    private readonly keyPrefix: string,
  ) {}

  async create(input: unknown): Promise<CreatedApiKey> {
    requireScope(this.identity, 'clients:admin');
    const args = parseInput(createApiKeySchema, input);
    const lacking = args.scopes.filter((s) => !this.identity.scopes.includes(s));
    if (lacking.length) throw new ForbiddenError(`A key cannot be given scopes its creator lacks: ${lacking.join(', ')}`);
    const clientId = await this.clientInReach(args.clientId);
    const ceiling = await this.creatorExpiry();
    if (ceiling && args.expiresAt && args.expiresAt > ceiling) {
      throw new BadUserInputError([{ field: 'expiresAt', message: 'must not be later than the expiry of the credential creating the key' }]);
    }
    const plaintext = generateApiKey(this.keyPrefix);
    const key = this.em.create(ApiKeyEntity, {
      accountId: this.identity.accountId,
      clientId,
      name: args.name,
      keyHash: hashCredential(plaintext),
      preview: keyPreview(plaintext, this.keyPrefix),
      scopes: args.scopes,
      expiresAt: args.expiresAt ?? ceiling,
      createdByCredentialId: this.identity.credentialId,
    });
    await this.em.flush();
    return { key, plaintext };
  }

  /** Keys in the caller's reach, newest first; revoked ones only when asked. */
  async list(opts: { first?: number | null; includeRevoked?: boolean | null }): Promise<ApiKeyEntity[]> {
    requireScope(this.identity, 'clients:admin');
    const first = opts.first ?? 100;
    if (!Number.isInteger(first) || first < 1 || first > 500) throw new BadUserInputError([{ field: 'first', message: 'must be an integer between 1 and 500' }]);
    return this.em.find(
      ApiKeyEntity,
      { ...this.reach(), ...(opts.includeRevoked ? {} : { revokedAt: null }) },
      { orderBy: { createdAt: 'desc', id: 'desc' }, limit: first, disableIdentityMap: true },
    );
  }

  /** Revokes a key in the caller's reach (idempotent); the next request with it is refused. */
  async revoke(id: string): Promise<ApiKeyEntity> {
    requireScope(this.identity, 'clients:admin');
    const where = { ...this.reach(), id };
    if (!isUuid(id) || !(await this.em.count(ApiKeyEntity, where))) throw new NotFoundError('API key');
    await this.em.nativeUpdate(ApiKeyEntity, { ...where, revokedAt: null }, { revokedAt: new Date() });
    return this.em.findOneOrFail(ApiKeyEntity, where, { disableIdentityMap: true });
  }

  /** Account-wide keys see every key of the account; a client-scoped one only its client's. */
  private reach(): { accountId: string; clientId?: string } {
    const tenant = tenantOf(this.identity);
    return tenant.clientId ? { accountId: tenant.accountId, clientId: tenant.clientId } : { accountId: tenant.accountId };
  }

  /** The new key's client: a client-scoped creator can only make keys for its own client. */
  private async clientInReach(requested: string | null): Promise<string | null> {
    const own = this.identity.clientId;
    if (requested === null) return own;
    const client = await new ClientService(this.em, tenantOf(this.identity)).get(requested);
    return client.id;
  }

  /** When the creating credential itself stops working; null when it never expires. */
  private async creatorExpiry(): Promise<Date | null> {
    if (!isUuid(this.identity.credentialId)) return null;
    const row =
      this.identity.credentialKind === 'client_token'
        ? await this.em.findOne(ClientTokenEntity, { id: this.identity.credentialId }, { disableIdentityMap: true })
        : await this.em.findOne(ApiKeyEntity, { id: this.identity.credentialId }, { disableIdentityMap: true });
    return row?.expiresAt ?? null;
  }
}
