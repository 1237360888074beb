import type { EntityManager } from '@mikro-orm/postgresql';
import type { Identity } from '../../../lib/auth/identity.js';
import { tenantOf, type Tenant } from '../../../lib/auth/tenant.js';
import { CheckoutService } from './checkout/checkout.service.js';
import type { BillingDeps } from './deps.js';
import type { PlanSpec } from './plan/plan.catalog.js';
import { QuotaService } from './subscription/quota.service.js';

/** Per-request context of the billing subgraph. */
export class BillingContext {
  readonly quota: QuotaService;
  readonly checkout: CheckoutService;
  readonly tenant: Tenant;
  readonly catalog: PlanSpec[];

  constructor(
    readonly identity: Identity,
    em: EntityManager,
    deps: BillingDeps,
  ) {
    this.tenant = tenantOf(identity);
    this.catalog = deps.catalog;
    this.quota = new QuotaService(em, deps.catalog, deps.defaultTier);
    this.checkout = new CheckoutService(em, identity, deps);
  }
}
