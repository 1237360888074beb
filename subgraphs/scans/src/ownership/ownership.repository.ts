import type { EntityManager } from '@mikro-orm/postgresql';
import type { Tenant } from '../../../../lib/auth/tenant.js';
import { ScanAuthorisationEntity } from './scan-authorisation.entity.js';
import { TargetAttestationEntity } from './target-attestation.entity.js';
import { TargetDomainEntity } from './target-domain.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Lists are short (a client's domains); this only bounds a pathological account. */
const LIST_LIMIT = 500;

/** The only place that queries domains, attestations and authorisation records; narrowed to the tenant. */
export class OwnershipRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly tenant: Tenant,
  ) {}

  private scope(clientId?: string | null): { accountId: string; clientId?: string } {
    const only = this.tenant.clientId ?? clientId ?? null;
    return only ? { accountId: this.tenant.accountId, clientId: only } : { accountId: this.tenant.accountId };
  }

  /** A client a client-scoped credential names other than its own: it sees nothing there. */
  private foreign(clientId: string | null): boolean {
    return Boolean(this.tenant.clientId && clientId && clientId !== this.tenant.clientId);
  }

  domainById(id: string): Promise<TargetDomainEntity | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return this.em.findOne(TargetDomainEntity, { ...this.scope(), id }, { disableIdentityMap: true });
  }

  domainOf(clientId: string, domain: string): Promise<TargetDomainEntity | null> {
    return this.em.findOne(TargetDomainEntity, { ...this.scope(), clientId, domain }, { disableIdentityMap: true });
  }

  /** The client's rows for any of these names (a host and its parent domains). */
  domainsNamed(clientId: string, names: string[]): Promise<TargetDomainEntity[]> {
    return this.em.find(TargetDomainEntity, { ...this.scope(), clientId, domain: { $in: names } }, { disableIdentityMap: true });
  }

  domains(clientId: string | null): Promise<TargetDomainEntity[]> {
    if (this.foreign(clientId)) return Promise.resolve([]);
    return this.em.find(TargetDomainEntity, this.scope(clientId), { orderBy: { createdAt: 'desc', id: 'desc' }, limit: LIST_LIMIT, disableIdentityMap: true });
  }

  async updateDomain(id: string, changes: Partial<Pick<TargetDomainEntity, 'method' | 'verifiedAt' | 'expiresAt' | 'lastCheckedAt' | 'lastError'>>): Promise<void> {
    await this.em.nativeUpdate(TargetDomainEntity, { ...this.scope(), id }, changes);
  }

  async deleteDomain(id: string): Promise<number> {
    return this.em.nativeDelete(TargetDomainEntity, { ...this.scope(), id });
  }

  attestationById(id: string): Promise<TargetAttestationEntity | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return this.em.findOne(TargetAttestationEntity, { ...this.scope(), id }, { disableIdentityMap: true });
  }

  attestations(clientId: string | null): Promise<TargetAttestationEntity[]> {
    if (this.foreign(clientId)) return Promise.resolve([]);
    return this.em.find(TargetAttestationEntity, this.scope(clientId), { orderBy: { createdAt: 'desc', id: 'desc' }, limit: LIST_LIMIT, disableIdentityMap: true });
  }

  /** Attestations of the client still in force. */
  activeAttestations(clientId: string): Promise<TargetAttestationEntity[]> {
    return this.em.find(TargetAttestationEntity, { ...this.scope(), clientId, revokedAt: null }, { disableIdentityMap: true });
  }

  async revokeAttestation(id: string, by: string, at: Date): Promise<void> {
    await this.em.nativeUpdate(TargetAttestationEntity, { ...this.scope(), id, revokedAt: null }, { revokedAt: at, revokedBy: by });
  }

  /** Authorisation records of these scans (the tenant's only), by scan id. */
  async authorisations(scanIds: string[]): Promise<Map<string, ScanAuthorisationEntity>> {
    const ids = scanIds.filter((id) => UUID.test(id));
    if (ids.length === 0) return new Map();
    const rows = await this.em.find(ScanAuthorisationEntity, { ...this.scope(), scanId: { $in: ids } }, { disableIdentityMap: true });
    return new Map(rows.map((r) => [r.scanId, r]));
  }
}
