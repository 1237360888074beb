import { defineEntity, p } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';

/** An API key: only its SHA-256 is stored; the plaintext is shown once at creation. */
export const ApiKeySchema = defineEntity({
  name: 'ApiKey',
  tableName: 'api_key',
  schema: 'clients',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    accountId: p.uuid().index('api_key_account_idx'),
    /** Null: the key sees every client of the account. */
    clientId: p.uuid().nullable(),
    name: p.string().length(200),
    keyHash: p.string().length(64).unique('api_key_hash_unique'),
    preview: p.string().length(16),
    scopes: p.array().columnType('text[]'),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
    expiresAt: p.datetime().columnType('timestamptz').nullable(),
    revokedAt: p.datetime().columnType('timestamptz').nullable(),
    /** Last authentication with the key, to a resolution of LAST_USED_RESOLUTION_MS (not every request writes). */
    lastUsedAt: p.datetime().columnType('timestamptz').nullable(),
    /** The credential that created this key (audit); null for bootstrap and seeded keys. */
    createdByCredentialId: p.uuid().nullable(),
  },
});
export class ApiKeyEntity extends ApiKeySchema.class {}
ApiKeySchema.setClass(ApiKeyEntity);
