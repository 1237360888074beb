import type { ModuleDbSpec } from '../../../lib/db/orm.js';
import { migrations } from '../migrations/index.js';
import { ClientPlanEntity, UsageEntity } from './subscription/client-plan.entity.js';

/** The billing module's slice of the database. */
export const billingDb: ModuleDbSpec = {
  schema: 'billing',
  entities: [ClientPlanEntity, UsageEntity],
  migrations,
};

export { QuotaService, type ClientUsage } from './subscription/quota.service.js';
export { planCatalog, TIERS, type Tier, type PlanSpec } from './plan/plan.catalog.js';
