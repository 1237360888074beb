import { defineEntity, p } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';

/**
 * A client token (JWT) issued by registerClient. The token itself is never stored: only the
 * SHA-256 of its `jti`, which is what the gateway looks up (and what revocation flips).
 */
export const ClientTokenSchema = defineEntity({
  name: 'ClientToken',
  tableName: 'client_token',
  schema: 'clients',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    accountId: p.uuid(),
    clientId: p.uuid().index('client_token_client_idx'),
    jtiHash: p.string().length(64).unique('client_token_jti_hash_unique'),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
    expiresAt: p.datetime().columnType('timestamptz'),
    revokedAt: p.datetime().columnType('timestamptz').nullable(),
    lastUsedAt: p.datetime().columnType('timestamptz').nullable(),
    createdByCredentialId: p.uuid().nullable(),
  },
});
export class ClientTokenEntity extends ClientTokenSchema.class {}
ClientTokenSchema.setClass(ClientTokenEntity);
