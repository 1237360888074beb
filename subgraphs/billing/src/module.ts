import type { ModuleDbSpec } from '../../../lib/db/orm.js';
import { migrations } from '../migrations/index.js';
import { ClientPlanEntity, PlanChangeEntity, StripeEventEntity, UsageEntity } from './subscription/client-plan.entity.js';

/** The billing module's slice of the database. */
export const billingDb: ModuleDbSpec = {
  schema: 'billing',
  entities: [ClientPlanEntity, UsageEntity, StripeEventEntity, PlanChangeEntity],
  migrations,
};

export { QuotaService, type ClientUsage } from './subscription/quota.service.js';
export { planCatalog, TIERS, type Tier, type PlanSpec } from './plan/plan.catalog.js';
export { quotaWindow, type PlanDates } from './plan/plan.catalog.js';
export { FREE_TIER } from './subscription/subscription-rules.js';
export { BILLING_WEBHOOK_PATH } from './webhook/webhook-path.js';
