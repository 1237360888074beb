import { randomBytes } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import type { Identity } from '../../../../lib/auth/identity.js';
import { requireScope, tenantOf } from '../../../../lib/auth/tenant.js';
import { BadUserInputError, NotFoundError } from '../../../../lib/errors.js';
import type { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { Batcher } from '../../../../lib/graphql/batch.js';
import type { ClientService } from '../../../clients/src/module.js';
import { checkTargetAddresses, normalizeDomain, normalizeTarget, TargetInputError, type Resolver } from '../target/target.js';
import type { OwnershipConfig } from './ownership.env.js';
import { OwnershipRepository } from './ownership.repository.js';
import { requestOrigin } from './request-origin.js';
import type { ScanAuthorisationEntity } from './scan-authorisation.entity.js';
import { TargetAttestationEntity } from './target-attestation.entity.js';
import { TargetDomainEntity, type VerificationMethod } from './target-domain.entity.js';
import { toCidr } from './target-coverage.js';
import { applyCheck } from './verification-state.js';

/** What the ownership rules need from outside. */
export interface OwnershipDeps {
  em: EntityManager;
  clients: ClientService;
  policy: AddressPolicy;
  resolve?: Resolver;
  maxCidrHosts: number;
  ownership: OwnershipConfig;
}

export interface DomainCheckResult {
  domain: TargetDomainEntity;
  verified: boolean;
  reason: string | null;
}

/**
 * Targets a client may scan actively: domains it proved it controls (a random token per client
 * and domain, published as a DNS TXT record or an HTTP well-known file) and IPs/CIDRs it attested.
 */
export class OwnershipService {
  private readonly repo: OwnershipRepository;
  private readonly authorisationLoader: Batcher<string, ScanAuthorisationEntity | null>;

  constructor(
    private readonly identity: Identity,
    private readonly deps: OwnershipDeps,
  ) {
    this.repo = new OwnershipRepository(deps.em, tenantOf(identity));
    this.authorisationLoader = new Batcher((ids) => this.repo.authorisations(ids), () => null);
  }

  /** Adds a domain to a client with a fresh token; adding it again returns the same row and token. */
  async addDomain(input: { domain: string; clientId?: string | null }): Promise<TargetDomainEntity> {
    requireScope(this.identity, 'scans:write');
    let domain: string;
    try {
      domain = normalizeDomain(typeof input.domain === 'string' ? input.domain.trim() : '');
    } catch (err) {
      if (err instanceof TargetInputError) throw new BadUserInputError([{ field: 'domain', message: err.message }]);
      throw err;
    }
    const clientId = await this.clientFor(input.clientId);
    const existing = await this.repo.domainOf(clientId, domain);
    if (existing) return existing;
    const em = this.deps.em.fork();
    const row = em.create(TargetDomainEntity, {
      accountId: this.identity.accountId,
      clientId,
      domain,
      token: randomBytes(20).toString('hex'),
      createdBy: this.identity.credentialId,
      method: null,
      verifiedAt: null,
      expiresAt: null,
      lastCheckedAt: null,
      lastError: null,
    });
    try {
      await em.flush();
      return row;
    } catch (err) {
      // Two adds of the same domain at once: the first wins and both get its token.
      if (err instanceof UniqueConstraintViolationException) return (await this.repo.domainOf(clientId, domain))!;
      throw err;
    }
  }

  /** Checks the domain's token now by one method and records the outcome. */
  async verifyDomain(id: string, method: VerificationMethod, now = new Date()): Promise<DomainCheckResult> {
    requireScope(this.identity, 'scans:write');
    const row = await this.repo.domainById(id);
    if (!row) throw new NotFoundError('Domain');
    const outcome = await this.deps.ownership.verifier.check(row.domain, row.token, method);
    const changes = applyCheck(row, method, outcome, now, this.deps.ownership.settings);
    await this.repo.updateDomain(row.id, changes);
    return { domain: Object.assign(row, changes), verified: outcome.ok, reason: outcome.ok ? null : outcome.reason };
  }

  domains(clientId?: string | null): Promise<TargetDomainEntity[]> {
    requireScope(this.identity, 'scans:read');
    return this.repo.domains(clientId ?? null);
  }

  /** Forgets a domain: its verification no longer covers any scan, and its token is void. */
  async removeDomain(id: string): Promise<boolean> {
    requireScope(this.identity, 'scans:write');
    if ((await this.repo.deleteDomain(id)) === 0) throw new NotFoundError('Domain');
    return true;
  }

  /**
   * Records the caller's statement that an IP or CIDR is theirs to test. The range must be one
   * the scanner may touch at all (the address policy) and no larger than a scan target may be.
   */
  async attestTarget(input: { target: string; statement: string; clientId?: string | null }): Promise<TargetAttestationEntity> {
    requireScope(this.identity, 'scans:write');
    const raw = typeof input.target === 'string' ? input.target.trim() : '';
    const statement = typeof input.statement === 'string' ? input.statement.trim() : '';
    const issues: { field: string; message: string }[] = [];
    if (statement === '') issues.push({ field: 'statement', message: 'a statement is required (e.g. "These addresses are ours")' });
    if (statement.length > 4000) issues.push({ field: 'statement', message: 'statement is longer than 4000 characters' });
    let cidr: string | null = null;
    try {
      const type = raw.includes('/') ? 'CIDR' : 'IP';
      const target = normalizeTarget(raw, type, { maxCidrHosts: this.deps.maxCidrHosts });
      await checkTargetAddresses(target, this.deps.policy, this.deps.resolve);
      cidr = toCidr(target.value);
    } catch (err) {
      if (!(err instanceof TargetInputError)) throw err;
      issues.push({ field: 'target', message: err.message });
    }
    if (issues.length > 0 || !cidr) throw new BadUserInputError(issues);
    const clientId = await this.clientFor(input.clientId);
    const origin = requestOrigin(this.identity);
    const em = this.deps.em.fork();
    const row = em.create(TargetAttestationEntity, {
      accountId: this.identity.accountId,
      clientId,
      target: cidr,
      statement,
      createdBy: this.identity.credentialId,
      sourceIp: origin.sourceIp,
      userAgent: origin.userAgent,
      revokedAt: null,
      revokedBy: null,
    });
    await em.flush();
    return row;
  }

  attestations(clientId?: string | null): Promise<TargetAttestationEntity[]> {
    requireScope(this.identity, 'scans:read');
    return this.repo.attestations(clientId ?? null);
  }

  /** Withdraws an attestation: new active scans no longer rely on it; the record stays. */
  async revokeAttestation(id: string, now = new Date()): Promise<TargetAttestationEntity> {
    requireScope(this.identity, 'scans:write');
    const row = await this.repo.attestationById(id);
    if (!row) throw new NotFoundError('Attestation');
    await this.repo.revokeAttestation(id, this.identity.credentialId, now);
    return (await this.repo.attestationById(id))!;
  }

  /** The authorisation record of a scan the caller may see; null for passive scans. */
  authorisationOf(scanId: string): Promise<ScanAuthorisationEntity | null> {
    requireScope(this.identity, 'scans:read');
    return this.authorisationLoader.load(scanId);
  }

  /**
   * The client a domain or attestation belongs to: the one named (NOT_FOUND when it is not the
   * caller's), else the credential's own client, else the account's default client (where scans
   * without a client name land, so their active scans find it).
   */
  private async clientFor(clientId: string | null | undefined): Promise<string> {
    if (clientId) return (await this.deps.clients.get(clientId)).id;
    return (await this.deps.clients.resolveForScan(null)).id;
  }
}
