import type { Request } from 'express';
import { REPORT_GRANT_HEADER, REPORT_TYPES, ReportGrantSigner, ReportUrlSigner, credentialRefText, type ReportType } from '../../../lib/auth/report-url.js';
import type { CallerCredentials } from '../credentials.js';
import { RestError } from '../errors.js';

/** The query parameters of a signed report link (lib/auth/report-url.ts). */
export const SIGNED_LINK_PARAMS = ['exp', 'cred', 'sig'] as const;

/** True when the request carries a signed link's parameters (any of them). */
export function hasSignedLink(req: Request): boolean {
  const q = req.query as Record<string, unknown>;
  return SIGNED_LINK_PARAMS.some((p) => q[p] !== undefined);
}

/**
 * How a signed report link authenticates (the decision the route description states): the link
 * names the credential that asked for it (`cred`) and is signed for one scan, one type and an
 * expiry with a key derived from INTERNAL_TOKEN_SECRET. The adapter checks the signature against
 * the path's scan and type, then calls the gateway with a fresh grant header (60 s) naming that
 * credential and the scan. The gateway reads the credential's row (revoked or expired → 401), acts
 * for it with read scopes only, and runs nothing but the report's operation for that scan. The link itself is never a credential the gateway would take.
 */
export class ReportLinkAccess {
  private readonly links: ReportUrlSigner;
  private readonly grants: ReportGrantSigner;

  constructor(secret: string) {
    this.links = new ReportUrlSigner(secret);
    this.grants = new ReportGrantSigner(secret);
  }

  /** The gateway credentials of a valid link for the path's scan and type; 401 otherwise. */
  credentials(req: Request): CallerCredentials {
    const scanId = String(req.params.job_id ?? '');
    const type = String(req.params.type ?? '') as ReportType;
    const q = req.query as Record<string, unknown>;
    const ref = REPORT_TYPES.includes(type) ? this.links.verify(scanId, type, q) : null;
    if (!ref) throw new RestError('invalid_token', { message: 'This report link is invalid or has expired; ask for a new one (Scan.reportUrl)' });
    const cred = credentialRefText(ref);
    return {
      headers: { [REPORT_GRANT_HEADER]: this.grants.sign({ cred: ref, scanId }) },
      // The signature is what the caller holds: the idempotency store is never used by GET, and
      // the rate limit is this link's credential's own bucket (keyed apart from the key itself).
      material: `report-link\n${cred}\n${String(q.sig)}`,
      primary: `report-link:${cred}`,
    };
  }
}
