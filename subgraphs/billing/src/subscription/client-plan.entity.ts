import { defineEntity, p } from '@mikro-orm/postgresql';

/** The tier a client is on. Created lazily with the deployment's default tier. */
export const ClientPlanSchema = defineEntity({
  name: 'ClientPlan',
  tableName: 'client_plan',
  schema: 'billing',
  properties: {
    clientId: p.uuid().primary(),
    accountId: p.uuid().index('client_plan_account_idx'),
    tier: p.string().length(32),
    subscribedAt: p.datetime().columnType('timestamptz'),
    updatedAt: p.datetime().columnType('timestamptz'),
  },
});
export class ClientPlanEntity extends ClientPlanSchema.class {}
ClientPlanSchema.setClass(ClientPlanEntity);

/** Scans consumed by a client in one quota window. */
export const UsageSchema = defineEntity({
  name: 'Usage',
  tableName: 'usage',
  schema: 'billing',
  properties: {
    clientId: p.uuid().primary(),
    periodStart: p.datetime().columnType('timestamptz').primary(),
    used: p.integer(),
  },
});
export class UsageEntity extends UsageSchema.class {}
UsageSchema.setClass(UsageEntity);
