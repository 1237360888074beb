import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { NotFoundError } from '../../../../lib/errors.js';
import type { BillingContext } from '../context.js';
import type { ClientUsage } from '../subscription/quota.service.js';
import type { PlanSpec } from './plan.catalog.js';
import { ClientBillingType } from './client-billing.type.js';
import { PlanType, QuotaPeriodEnum, UsageType } from './plan.type.js';

export function toPlanType(p: PlanSpec): PlanType {
  return Object.assign(new PlanType(), {
    tier: p.tier,
    name: p.name,
    scanLimit: p.scanLimit,
    maxCidrHosts: p.maxCidrHosts,
    period: p.period === 'total' ? QuotaPeriodEnum.TOTAL : QuotaPeriodEnum.MONTH,
    activeScans: p.activeScans,
  });
}

/** A client reference carrying its resolved usage (loaded once by __resolveReference). */
export type ClientBillingRef = ClientBillingType & { resolvedUsage: ClientUsage };

@Resolver(() => PlanType)
export class PlanResolver {
  @Query(() => [PlanType], { description: 'The tier catalogue with scan limits.' })
  plans(@Ctx() ctx: BillingContext): PlanType[] {
    return ctx.catalog.map(toPlanType);
  }
}

@Resolver(() => ClientBillingType)
export class ClientBillingResolver {
  @FieldResolver(() => PlanType)
  plan(@Root() client: ClientBillingRef): PlanType {
    return toPlanType(client.resolvedUsage.plan);
  }

  @FieldResolver(() => UsageType)
  usage(@Root() client: ClientBillingRef): UsageType {
    const u = client.resolvedUsage;
    return Object.assign(new UsageType(), { used: u.used, limit: u.limit, periodStart: u.periodStart, periodEnd: u.periodEnd });
  }
}

/**
 * Entity reference. References reach a subgraph only through the gateway's query plan, built from
 * tenant-checked parents (the gateway signs every call); still, a plan row of another account is
 * never shown, and a client seen for the first time gets its plan row on the caller's account.
 */
export async function resolveClientBilling(ref: { id: string }, ctx: BillingContext): Promise<ClientBillingRef | null> {
  if (ctx.tenant.clientId && ctx.tenant.clientId !== ref.id) return null;
  let usage = await ctx.quota.usage(ctx.tenant, ref.id);
  if (!usage) {
    const row = await ctx.quota.ensurePlan(ctx.tenant.accountId, ref.id);
    if (row.accountId !== ctx.tenant.accountId) throw new NotFoundError('Client');
    usage = await ctx.quota.usage(ctx.tenant, ref.id);
    if (!usage) throw new NotFoundError('Client');
  }
  return Object.assign(new ClientBillingType(), { id: ref.id, resolvedUsage: usage }) as ClientBillingRef;
}
