import type { VerificationOutcome } from './domain-verifier.js';
import type { OwnershipSettings } from './ownership.env.js';
import type { TargetDomainEntity, VerificationMethod } from './target-domain.entity.js';

export type VerificationChanges = Pick<TargetDomainEntity, 'method' | 'verifiedAt' | 'expiresAt' | 'lastCheckedAt' | 'lastError'>;

/**
 * A domain's state after one check. A success (re)starts the validity window. A failure of the
 * method the domain is verified by revokes the verification; a failed try of the other method
 * leaves a standing proof alone (it only records the error).
 */
export function applyCheck(
  row: Pick<TargetDomainEntity, 'method' | 'verifiedAt' | 'expiresAt'>,
  method: VerificationMethod,
  outcome: VerificationOutcome,
  now: Date,
  settings: OwnershipSettings,
): VerificationChanges {
  if (outcome.ok) {
    return { method, verifiedAt: now, expiresAt: new Date(now.getTime() + settings.validDays * 86_400_000), lastCheckedAt: now, lastError: null };
  }
  const keep = row.verifiedAt && row.method && row.method !== method;
  return {
    method: keep ? row.method : null,
    verifiedAt: keep ? row.verifiedAt : null,
    expiresAt: keep ? row.expiresAt : null,
    lastCheckedAt: now,
    lastError: `${method}: ${outcome.reason}`.slice(0, 2000),
  };
}
