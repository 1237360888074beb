import type { Identity } from '../../../../lib/auth/identity.js';

/** Where a request came from, as the gateway saw it; either may be absent (null is stored). */
export interface RequestOrigin {
  sourceIp: string | null;
  userAgent: string | null;
}

/** The identity's optional origin fields, bounded to what the audit columns hold. */
export function requestOrigin(identity: Identity): RequestOrigin {
  return {
    sourceIp: identity.sourceIp ? identity.sourceIp.slice(0, 64) : null,
    userAgent: identity.userAgent ? identity.userAgent.slice(0, 512) : null,
  };
}
