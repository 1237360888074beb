import type { EntityManager } from '@mikro-orm/postgresql';
import type { Identity } from '../../../../lib/auth/identity.js';
import { tenantOf } from '../../../../lib/auth/tenant.js';
import { BadUserInputError } from '../../../../lib/errors.js';
import type { NormalizedTarget } from '../target/target.js';
import { ActiveScanRefusedError } from './active-scan-refused.error.js';
import type { OwnershipConfig } from './ownership.env.js';
import { OwnershipRepository } from './ownership.repository.js';
import { requestOrigin } from './request-origin.js';
import type { AuthorisationSource, ScanAuthorisationEntity } from './scan-authorisation.entity.js';
import { cidrContains, nameAndParents, subjectOf } from './target-coverage.js';
import type { TargetDomainEntity } from './target-domain.entity.js';
import { applyCheck } from './verification-state.js';

/** Recorded verbatim when the caller authorises a scan without a statement of their own. */
export const DEFAULT_AUTHORISATION_STATEMENT =
  'I confirm that I own this target or have the written permission of its owner to run active security tests ' +
  '(probing of services, paths and ports) against it, and I accept responsibility for this scan.';

/**
 * An active scan's authorisation as given: by the request itself (createScan's `authorisation`),
 * or by the standing authorisation of the schedule that created the scan (source SCHEDULE, with
 * the schedule's id): the scan service takes either.
 */
export interface AuthorisationGrant {
  source: AuthorisationSource;
  sourceId?: string | null;
  authorised: boolean;
  authorisedBy?: string | null;
  statement?: string | null;
}

/** The authorisation record of a scan about to be created (the scan id is added by the scan service). */
export type ScanAuthorisationDraft = Omit<ScanAuthorisationEntity, 'id' | 'scanId' | 'createdAt'>;

/**
 * The rules an active scan must pass besides the plan: an explicit authorisation, and proof that
 * the target is the client's (a verified domain covering its host, re-checked when the proof is
 * older than VERIFY_RECHECK_HOURS, or an attestation covering its addresses). Each refusal is
 * FORBIDDEN with its own reason.
 */
export class ActiveAuthorisationService {
  private readonly repo: OwnershipRepository;

  constructor(
    private readonly identity: Identity,
    em: EntityManager,
    private readonly config: OwnershipConfig,
  ) {
    this.repo = new OwnershipRepository(em, tenantOf(identity));
  }

  async authorise(clientId: string, target: NormalizedTarget, grant: AuthorisationGrant | null | undefined, now = new Date()): Promise<ScanAuthorisationDraft> {
    if (!grant) {
      throw new ActiveScanRefusedError(
        'NOT_AUTHORISED',
        `Active scans need an explicit authorisation: pass authorisation: { authorised: true, authorisedBy, statement } confirming that you may test ${target.value}`,
      );
    }
    if (grant.authorised !== true) {
      throw new ActiveScanRefusedError('NOT_AUTHORISED', `The active scan of ${target.value} was not authorised (authorisation.authorised is false)`);
    }
    const authorisedBy = grant.authorisedBy?.trim() || null;
    const statement = grant.statement?.trim() || DEFAULT_AUTHORISATION_STATEMENT;
    const issues: { field: string; message: string }[] = [];
    if (authorisedBy && authorisedBy.length > 200) issues.push({ field: 'authorisation.authorisedBy', message: 'authorisedBy is longer than 200 characters' });
    if (statement.length > 4000) issues.push({ field: 'authorisation.statement', message: 'statement is longer than 4000 characters' });
    if (issues.length > 0) throw new BadUserInputError(issues);

    const subject = subjectOf(target);
    const evidence = subject.kind === 'NAME' ? await this.domainEvidence(clientId, subject.name, now) : await this.attestationEvidence(clientId, subject.cidr);
    const origin = requestOrigin(this.identity);
    return {
      accountId: this.identity.accountId,
      clientId,
      target: target.value,
      targetType: target.type,
      authorised: true,
      authorisedBy,
      statement,
      source: grant.source,
      sourceId: grant.sourceId ?? null,
      createdBy: this.identity.credentialId,
      sourceIp: origin.sourceIp,
      userAgent: origin.userAgent,
      ...evidence,
    };
  }

  /**
   * A verified domain covering `name`: the name itself (DNS or HTTP), or a parent verified by DNS.
   * An HTTP file proves control of one web host only, while a DNS record proves control of the
   * zone, so only DNS verification extends to subdomains (as ACME requires DNS for wildcards).
   */
  private async domainEvidence(clientId: string, name: string, now: Date): Promise<Evidence> {
    const rows = await this.repo.domainsNamed(clientId, nameAndParents(name));
    const covering = rows
      .filter((r) => r.verifiedAt && r.method && (r.domain === name || r.method === 'DNS'))
      .sort((a, b) => b.domain.length - a.domain.length);
    if (covering.length === 0) throw new ActiveScanRefusedError('TARGET_UNVERIFIED', unverifiedMessage(name, rows));
    const unexpired = covering.filter((r) => r.expiresAt && r.expiresAt > now);
    if (unexpired.length === 0) {
      const newest = covering[0]!;
      throw new ActiveScanRefusedError(
        'VERIFICATION_EXPIRED',
        `The verification of ${newest.domain} expired on ${newest.expiresAt!.toISOString()} (proofs last ${this.config.settings.validDays} days); publish the token again if needed and call verifyDomain`,
      );
    }
    const failures: string[] = [];
    for (const row of unexpired) {
      const age = now.getTime() - row.verifiedAt!.getTime();
      if (age <= this.config.settings.recheckHours * 3_600_000) return domainEvidenceOf(row);
      // Stale: prove control again now; a failure revokes the verification.
      const outcome = await this.config.verifier.check(row.domain, row.token, row.method!);
      const changes = applyCheck(row, row.method!, outcome, now, this.config.settings);
      await this.repo.updateDomain(row.id, changes);
      if (outcome.ok) return domainEvidenceOf({ ...row, ...changes } as TargetDomainEntity);
      failures.push(`${row.domain} (${row.method}): ${outcome.reason}`);
    }
    throw new ActiveScanRefusedError(
      'VERIFICATION_FAILED',
      `Re-checking the verification before this active scan failed for ${failures.join('; ')}. The domain is no longer verified: restore the record or file and call verifyDomain`,
    );
  }

  private async attestationEvidence(clientId: string, cidr: string): Promise<Evidence> {
    const attestations = await this.repo.activeAttestations(clientId);
    const match = attestations.find((a) => cidrContains(a.target, cidr));
    const shown = cidr.endsWith('/32') || cidr.endsWith('/128') ? cidr.slice(0, cidr.indexOf('/')) : cidr;
    if (!match) {
      throw new ActiveScanRefusedError(
        'TARGET_UNVERIFIED',
        `No attestation of this client covers ${shown}: addresses are not verified by DNS, attest them first with attestTarget`,
      );
    }
    return { ...NO_EVIDENCE, evidenceKind: 'ATTESTATION', attestationId: match.id, attestedTarget: match.target };
  }
}

type Evidence = Pick<ScanAuthorisationDraft, 'evidenceKind' | 'domainId' | 'domain' | 'verificationMethod' | 'verifiedAt' | 'attestationId' | 'attestedTarget'>;

const NO_EVIDENCE = { domainId: null, domain: null, verificationMethod: null, verifiedAt: null, attestationId: null, attestedTarget: null };

function domainEvidenceOf(row: TargetDomainEntity): Evidence {
  return { ...NO_EVIDENCE, evidenceKind: 'DOMAIN', domainId: row.id, domain: row.domain, verificationMethod: row.method!, verifiedAt: row.verifiedAt! };
}

function unverifiedMessage(name: string, rows: TargetDomainEntity[]): string {
  const httpParent = rows.find((r) => r.verifiedAt && r.method === 'HTTP' && r.domain !== name);
  if (httpParent) {
    return `${name} is not verified: ${httpParent.domain} was verified by its HTTP file, which covers that host only; verify ${name} itself, or verify ${httpParent.domain} by DNS to cover its subdomains`;
  }
  const own = rows.find((r) => r.domain === name);
  if (own) {
    const last = own.lastError ? ` (last check: ${own.lastError})` : '';
    return `${name} is added but not verified${last}: publish its token and call verifyDomain`;
  }
  return `${name} is not a verified domain of this client: add it with addDomain, publish the token and call verifyDomain`;
}
