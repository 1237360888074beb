import type { EntityManager } from '@mikro-orm/postgresql';
import type { Tenant } from '../../../../lib/auth/tenant.js';
import { BadUserInputError, ForbiddenError, QuotaExceededError } from '../../../../lib/errors.js';
import { quotaWindow, type PlanSpec, type Tier } from '../plan/plan.catalog.js';
import { ClientPlanEntity } from './client-plan.entity.js';

/** A client's standing: its plan and the current window's usage. */
export interface ClientUsage {
  plan: PlanSpec;
  used: number;
  limit: number | null;
  periodStart: Date;
  periodEnd: Date | null;
}

/**
 * Plans and quotas. Exported for the scans module, which consumes one scan atomically when a scan
 * is created: the counter row is updated with `used < limit` in the same statement, so no race
 * lets a client exceed its plan.
 */
export class QuotaService {
  constructor(
    private readonly em: EntityManager,
    private readonly catalog: PlanSpec[],
    private readonly defaultTier: Tier,
  ) {}

  planOf(tier: string): PlanSpec {
    return this.catalog.find((p) => p.tier === tier) ?? this.catalog.find((p) => p.tier === this.defaultTier)!;
  }

  /** The client's plan row, created with the default tier on first use. */
  async ensurePlan(accountId: string, clientId: string): Promise<ClientPlanEntity> {
    const now = new Date();
    await this.em
      .getConnection()
      .execute(
        'insert into billing.client_plan (client_id, account_id, tier, subscribed_at, updated_at) values (?, ?, ?, ?, ?) on conflict (client_id) do nothing',
        [clientId, accountId, this.defaultTier, now, now],
      );
    return this.em.findOneOrFail(ClientPlanEntity, { clientId }, { disableIdentityMap: true });
  }

  /** Usage of a client the tenant may see; null when the client is not the tenant's. */
  async usage(tenant: Tenant, clientId: string): Promise<ClientUsage | null> {
    if (tenant.clientId && tenant.clientId !== clientId) return null;
    const row = await this.em.findOne(ClientPlanEntity, { clientId, accountId: tenant.accountId }, { disableIdentityMap: true });
    if (!row) return null;
    const plan = this.planOf(row.tier);
    const window = quotaWindow(plan, row, new Date());
    const rows = await this.em
      .getConnection()
      .execute<{ used: number }[]>('select used from billing.usage where client_id = ? and period_start = ?', [clientId, window.start]);
    return { plan, used: rows[0]?.used ?? 0, limit: plan.scanLimit, periodStart: window.start, periodEnd: window.end };
  }

  /**
   * Consumes one scan or throws QUOTA_EXCEEDED with { limit, used, period_end }; an active scan
   * on a plan without active scanning is FORBIDDEN, and a CIDR larger than the plan allows is
   * BAD_USER_INPUT, before anything is consumed.
   */
  async consumeScan(accountId: string, clientId: string, opts: { active?: boolean; cidrHosts?: number; cidr?: string } = {}): Promise<ClientUsage> {
    const row = await this.ensurePlan(accountId, clientId);
    const plan = this.planOf(row.tier);
    if (opts.active && !plan.activeScans) {
      throw new ForbiddenError(`Active scans need a paid plan; this client is on ${plan.tier}`);
    }
    if (opts.cidrHosts !== undefined && opts.cidrHosts > plan.maxCidrHosts) {
      const prefix = 32 - Math.floor(Math.log2(plan.maxCidrHosts));
      throw new BadUserInputError([
        {
          field: 'target',
          message: `CIDR ${opts.cidr ?? ''} has ${opts.cidrHosts} addresses; the ${plan.name} plan allows up to ${plan.maxCidrHosts} (an IPv4 /${prefix})`.replace('CIDR  has', 'The CIDR has'),
        },
      ]);
    }
    const window = quotaWindow(plan, row, new Date());
    if (plan.scanLimit !== null && plan.scanLimit < 1) {
      throw new QuotaExceededError({ limit: plan.scanLimit, used: 0, periodEnd: window.end });
    }
    const limit = plan.scanLimit ?? 2_147_483_647;
    const updated = await this.em.getConnection().execute<{ used: number }[]>(
      `insert into billing.usage (client_id, period_start, used) values (?, ?, 1)
       on conflict (client_id, period_start) do update set used = billing.usage.used + 1
       where billing.usage.used < ?
       returning used`,
      [clientId, window.start, limit],
    );
    if (updated.length === 0) {
      const current = await this.usage({ accountId, clientId }, clientId);
      throw new QuotaExceededError({ limit: plan.scanLimit ?? 0, used: current?.used ?? 0, periodEnd: window.end });
    }
    return { plan, used: updated[0]!.used, limit: plan.scanLimit, periodStart: window.start, periodEnd: window.end };
  }

  /** Gives back a scan consumed for a scan that could not be created. */
  async refundScan(accountId: string, clientId: string): Promise<void> {
    const row = await this.ensurePlan(accountId, clientId);
    const window = quotaWindow(this.planOf(row.tier), row, new Date());
    await this.em
      .getConnection()
      .execute('update billing.usage set used = greatest(used - 1, 0) where client_id = ? and period_start = ?', [clientId, window.start]);
  }
}
