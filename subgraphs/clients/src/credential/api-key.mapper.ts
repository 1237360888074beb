import type { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeyType } from './api-key.type.js';

export function toApiKeyType(e: ApiKeyEntity): ApiKeyType {
  return Object.assign(new ApiKeyType(), {
    id: e.id,
    name: e.name,
    preview: e.preview,
    scopes: [...e.scopes],
    clientId: e.clientId ?? null,
    createdAt: e.createdAt,
    expiresAt: e.expiresAt ?? null,
    revokedAt: e.revokedAt ?? null,
    lastUsedAt: e.lastUsedAt ?? null,
  });
}
