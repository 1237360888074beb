import type { EntityManager } from '@mikro-orm/postgresql';
import type { Identity } from '../../../lib/auth/identity.js';
import { tenantOf, type Tenant } from '../../../lib/auth/tenant.js';
import type { PlanSpec, Tier } from './plan/plan.catalog.js';
import { QuotaService } from './subscription/quota.service.js';

/** Per-request context of the billing subgraph. */
export class BillingContext {
  readonly quota: QuotaService;
  readonly tenant: Tenant;

  constructor(
    readonly identity: Identity,
    em: EntityManager,
    readonly catalog: PlanSpec[],
    defaultTier: Tier,
  ) {
    this.tenant = tenantOf(identity);
    this.quota = new QuotaService(em, catalog, defaultTier);
  }
}
