import type { AccountEntity } from './account.entity.js';
import { AccountBrandingType, AccountType } from './account.type.js';

export function toAccountType(e: AccountEntity): AccountType {
  return Object.assign(new AccountType(), { id: e.id, name: e.name, createdAt: e.createdAt });
}

/** The branding of an account loaded with its lazy logo (AccountBrandingService.load). */
export function toAccountBrandingType(e: AccountEntity): AccountBrandingType {
  return Object.assign(new AccountBrandingType(), {
    displayName: e.brandDisplayName ?? null,
    logoDataUrl: e.brandLogoDataUrl ?? null,
    accentColor: e.brandAccentColor ?? null,
  });
}
