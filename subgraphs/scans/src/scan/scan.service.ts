import type { EntityManager } from '@mikro-orm/postgresql';
import type { PgBoss } from 'pg-boss';
import type { Identity } from '../../../../lib/auth/identity.js';
import { requireScope, tenantOf, type Tenant } from '../../../../lib/auth/tenant.js';
import { BadUserInputError, ConflictError, NotFoundError } from '../../../../lib/errors.js';
import { decodeCursor, encodeCursor, pageSize } from '../../../../lib/graphql/cursor.js';
import type { AddressPolicy } from '../../../../lib/net/address-policy.js';
import type { ClientService } from '../../../clients/src/module.js';
import type { QuotaService } from '../../../billing/src/module.js';
import { ScanStateStore } from '../events/scan-state.store.js';
import { ActiveAuthorisationService, type AuthorisationGrant, type ScanAuthorisationDraft } from '../ownership/active-authorisation.service.js';
import { ActiveScanRefusedError } from '../ownership/active-scan-refused.error.js';
import type { OwnershipConfig } from '../ownership/ownership.env.js';
import { ScanAuthorisationEntity } from '../ownership/scan-authorisation.entity.js';
import { enqueueScan } from '../queue/scan-queue.js';
import { checkTargetAddresses, normalizeTarget, TargetInputError, type NormalizedTarget, type Resolver } from '../target/target.js';
import { ScanEntity, type MODES, type PROFILES, type ScanEventEntity, type TARGET_TYPES } from './scan.entity.js';
import { ScanRepository } from './scan.repository.js';

export interface CreateScanCommand {
  target: string;
  targetType: (typeof TARGET_TYPES)[number];
  profile: (typeof PROFILES)[number];
  mode: (typeof MODES)[number];
  clientName?: string | null;
  triggeredBy?: string;
  /**
   * Needed for ACTIVE. From createScan it is the caller's own (source REQUEST, the default); a
   * scan created by a schedule passes the schedule's standing authorisation (source SCHEDULE).
   */
  authorisation?: (Omit<AuthorisationGrant, 'source'> & Partial<Pick<AuthorisationGrant, 'source'>>) | null;
}

export interface ScanPage {
  items: ScanEntity[];
  hasNextPage: boolean;
  endCursor: string | null;
}

/** What the scans service needs from outside: other modules' services, the queue, the policy. */
export interface ScanDeps {
  em: EntityManager;
  clients: ClientService;
  quota: QuotaService;
  queue: PgBoss;
  policy: AddressPolicy;
  resolve?: Resolver;
  maxCidrHosts: number;
  /** Domain verification and its settings, for active scans. */
  ownership: OwnershipConfig;
}

/**
 * Rules of scans: validation, target safety, client, for active scans the plan, authorisation and
 * proof of ownership, then quota, then store (with the authorisation record) and enqueue.
 */
export class ScanService {
  private readonly repo: ScanRepository;
  private readonly tenant: Tenant;

  constructor(
    private readonly identity: Identity,
    private readonly deps: ScanDeps,
  ) {
    this.tenant = tenantOf(identity);
    this.repo = new ScanRepository(deps.em, this.tenant);
  }

  async create(cmd: CreateScanCommand): Promise<ScanEntity> {
    requireScope(this.identity, 'scans:write');
    let normalized: NormalizedTarget;
    try {
      normalized = normalizeTarget(cmd.target, cmd.targetType, { maxCidrHosts: this.deps.maxCidrHosts });
      // Every address the target resolves to must be allowed before anything is stored.
      await checkTargetAddresses(normalized, this.deps.policy, this.deps.resolve);
    } catch (err) {
      if (err instanceof TargetInputError) throw new BadUserInputError([{ field: err.field, message: err.message }]);
      throw err;
    }
    const client = await this.deps.clients.resolveForScan(cmd.clientName);
    let authorisation: ScanAuthorisationDraft | null = null;
    if (cmd.mode === 'ACTIVE') {
      await this.assertPlanAllowsActive(client.id);
      const grant = cmd.authorisation ? { ...cmd.authorisation, source: cmd.authorisation.source ?? 'REQUEST' } : null;
      authorisation = await new ActiveAuthorisationService(this.identity, this.deps.em, this.deps.ownership).authorise(client.id, normalized, grant);
    }
    await this.deps.quota.consumeScan(this.tenant.accountId, client.id, {
      active: cmd.mode === 'ACTIVE',
      ...(normalized.type === 'CIDR' ? { cidrHosts: cidrSize(normalized.value), cidr: normalized.value } : {}),
    });

    let scan: ScanEntity;
    try {
      scan = await this.deps.em.fork().transactional(async (em) => {
        const s = em.create(ScanEntity, {
          accountId: this.tenant.accountId,
          clientId: client.id,
          target: normalized.value,
          targetType: cmd.targetType,
          profile: cmd.profile,
          mode: cmd.mode,
          status: 'QUEUED',
          progress: 0,
          revision: 1,
          error: null,
          triggeredBy: cmd.triggeredBy ?? 'api',
          createdBy: this.identity.credentialId,
          startedAt: null,
          completedAt: null,
        });
        // The record is written in the scan's own transaction: no active scan exists without one.
        if (authorisation) em.create(ScanAuthorisationEntity, { ...authorisation, scanId: s.id });
        await ScanStateStore.insertNew(em, s);
        return s;
      });
    } catch (err) {
      await this.deps.quota.refundScan(this.tenant.accountId, client.id);
      throw err;
    }
    try {
      await enqueueScan(this.deps.queue, scan.id);
    } catch (err) {
      // Nothing is lost silently: the scan is marked failed with the reason and the quota given back.
      await new ScanStateStore(this.deps.em).apply(scan.id, { status: 'FAILED', error: 'The scan could not be queued; please retry', completedAt: new Date() });
      await this.deps.quota.refundScan(this.tenant.accountId, client.id);
      throw err;
    }
    return scan;
  }

  /** The plan is checked first (without consuming anything), so its refusal is the one reported. */
  private async assertPlanAllowsActive(clientId: string): Promise<void> {
    const plan = this.deps.quota.planOf((await this.deps.quota.ensurePlan(this.tenant.accountId, clientId)).tier);
    if (!plan.activeScans) {
      throw new ActiveScanRefusedError('PLAN_WITHOUT_ACTIVE_SCANS', `Active scans need a paid plan; this client is on ${plan.tier}`);
    }
  }

  /** Cancels a queued or running scan; a worker running it stops within seconds. */
  async cancel(id: string): Promise<ScanEntity> {
    requireScope(this.identity, 'scans:write');
    const scan = await this.repo.findById(id);
    if (!scan) throw new NotFoundError('Scan');
    const event = await new ScanStateStore(this.deps.em).apply(
      scan.id,
      { status: 'CANCELLED', error: 'Cancelled by the user', completedAt: new Date() },
      { onlyFrom: ['QUEUED', 'RUNNING'] },
    );
    if (!event) throw new ConflictError(`The scan has already ended (${scan.status.toLowerCase()})`);
    return (await this.repo.findById(id))!;
  }

  async get(id: string): Promise<ScanEntity> {
    requireScope(this.identity, 'scans:read');
    const scan = await this.repo.findById(id);
    if (!scan) throw new NotFoundError('Scan');
    return scan;
  }

  async find(id: string): Promise<ScanEntity | null> {
    requireScope(this.identity, 'scans:read');
    return this.repo.findById(id);
  }

  async page(first: number | null | undefined, after: string | null | undefined): Promise<ScanPage> {
    requireScope(this.identity, 'scans:read');
    const size = pageSize(first);
    const rows = await this.repo.page(size, decodeCursor(after));
    const items = rows.slice(0, size);
    const last = items.at(-1);
    return { items, hasNextPage: rows.length > size, endCursor: last ? encodeCursor(last) : null };
  }

  latestEvent(scanId: string): Promise<ScanEventEntity | null> {
    return this.repo.latestEvent(scanId);
  }

  eventsAfter(scanId: string, afterRevision: number): Promise<ScanEventEntity[]> {
    return this.repo.eventsAfter(scanId, afterRevision);
  }
}

/** Addresses in a canonical CIDR (`a.b.c.d/n` or `v6/n`). */
function cidrSize(value: string): number {
  const [address, prefix] = value.split('/') as [string, string];
  const bits = address.includes(':') ? 128 : 32;
  return 2 ** (bits - Number(prefix));
}
