import type { MikroORM } from '@mikro-orm/postgresql';
import type { ClientTokenSigner } from '../../../lib/auth/client-token.js';
import { QuotaService, type PlanSpec, type Tier } from '../../billing/src/module.js';

/** Puts clients on a plan, through the billing module's exported service (never its tables). */
export interface PlanAssigner {
  readonly defaultTier: Tier;
  /** Puts a client that has no plan yet on `tier`; returns the plan it is on. */
  assign(accountId: string, clientId: string, tier: Tier): Promise<PlanSpec>;
}

/** What the clients module needs beyond its own database, built once per process. */
export interface ClientsDeps {
  keyPrefix: string;
  tokenSigner: ClientTokenSigner;
  tokenTtlSeconds: number;
  plans: PlanAssigner;
}

/**
 * Billing creates a client's plan row with the default tier of the QuotaService that first
 * touches it; a service whose default is the requested tier therefore creates the new client's
 * plan on that tier, atomically (insert ... on conflict do nothing).
 */
export function billingPlans(billingOrm: MikroORM, catalog: PlanSpec[], defaultTier: Tier): PlanAssigner {
  return {
    defaultTier,
    async assign(accountId, clientId, tier) {
      const quota = new QuotaService(billingOrm.em.fork(), catalog, tier);
      const row = await quota.ensurePlan(accountId, clientId);
      if (row.tier !== tier) throw new Error(`client ${clientId} already had a plan (${row.tier})`);
      return quota.planOf(row.tier);
    },
  };
}
