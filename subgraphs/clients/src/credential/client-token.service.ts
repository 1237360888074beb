import type { EntityManager } from '@mikro-orm/postgresql';
import { hashCredential } from '../../../../lib/auth/api-key.js';
import type { ClientTokenSigner, IssuedClientToken } from '../../../../lib/auth/client-token.js';
import type { Identity } from '../../../../lib/auth/identity.js';
import { requireScope, tenantOf } from '../../../../lib/auth/tenant.js';
import { BadUserInputError, NotFoundError } from '../../../../lib/errors.js';
import { ClientService } from '../client/client.service.js';
import { ClientTokenEntity } from './client-token.entity.js';

/** Issues and revokes client tokens; only the SHA-256 of each token's `jti` is stored. */
export class ClientTokenService {
  constructor(
    private readonly em: EntityManager,
    private readonly identity: Identity,
    private readonly signer: ClientTokenSigner,
    private readonly ttlSeconds: number,
  ) {}

  /** Issues a token for a client the caller has just created or can see; call inside the creating transaction. */
  async issue(em: EntityManager, accountId: string, clientId: string): Promise<IssuedClientToken> {
    const issued = await this.signer.issue(clientId, this.ttlSeconds);
    em.create(ClientTokenEntity, {
      accountId,
      clientId,
      jtiHash: hashCredential(issued.jti),
      createdAt: issued.issuedAt,
      expiresAt: issued.expiresAt,
      createdByCredentialId: this.identity.credentialId,
    });
    await em.flush();
    return issued;
  }

  /**
   * Revokes one token (by its `jti`) or every token of a client; returns how many were revoked
   * now. A jti or client outside the caller's reach is not found.
   */
  async revoke(args: { jti?: string | null; clientId?: string | null }): Promise<number> {
    requireScope(this.identity, 'clients:admin');
    const jti = args.jti?.trim() || null;
    const clientId = args.clientId?.trim() || null;
    if ((jti === null) === (clientId === null)) {
      throw new BadUserInputError([{ field: jti ? 'clientId' : 'jti', message: 'give exactly one of jti and clientId' }]);
    }
    const tenant = tenantOf(this.identity);
    const reach = { accountId: tenant.accountId, ...(tenant.clientId ? { clientId: tenant.clientId } : {}) };
    const now = new Date();
    if (jti !== null) {
      const where = { ...reach, jtiHash: hashCredential(jti) };
      const token = await this.em.findOne(ClientTokenEntity, where, { disableIdentityMap: true });
      if (!token) throw new NotFoundError('Client token');
      return this.em.nativeUpdate(ClientTokenEntity, { ...where, revokedAt: null }, { revokedAt: now });
    }
    const client = await new ClientService(this.em, tenant).get(clientId!);
    return this.em.nativeUpdate(ClientTokenEntity, { ...reach, clientId: client.id, revokedAt: null }, { revokedAt: now });
  }
}
