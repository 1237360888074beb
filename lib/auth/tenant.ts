import type { Identity } from './identity.js';
import { ForbiddenError } from '../errors.js';

/** The slice of data a request may see: one account, optionally narrowed to one client. */
export interface Tenant {
  accountId: string;
  clientId: string | null;
}

export function tenantOf(identity: Identity): Tenant {
  return { accountId: identity.accountId, clientId: identity.clientId };
}

/** Every scope a credential can hold. */
export const SCOPES = [
  'scans:read',
  'scans:write',
  'findings:read',
  'findings:write',
  'reports:read',
  'clients:admin',
  'billing:admin',
] as const;
export type Scope = (typeof SCOPES)[number];

export function requireScope(identity: Identity, scope: Scope): void {
  if (!identity.scopes.includes(scope)) throw new ForbiddenError(`This credential lacks the ${scope} scope`);
}
