import type { ClientEntity } from './client.entity.js';
import { ClientType } from './client.type.js';

export function toClientType(e: ClientEntity): ClientType {
  return Object.assign(new ClientType(), {
    id: e.id,
    name: e.name,
    email: e.email ?? null,
    company: e.company ?? null,
    createdAt: e.createdAt,
    accountId: e.accountId,
  });
}
