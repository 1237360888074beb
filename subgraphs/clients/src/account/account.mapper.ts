import type { AccountEntity } from './account.entity.js';
import { AccountType } from './account.type.js';

export function toAccountType(e: AccountEntity): AccountType {
  return Object.assign(new AccountType(), { id: e.id, name: e.name, createdAt: e.createdAt });
}
