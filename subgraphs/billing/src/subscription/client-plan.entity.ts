import { defineEntity, p } from '@mikro-orm/postgresql';

/**
 * The tier a client is on. Created lazily with the deployment's default tier. A client that pays
 * through Stripe also carries its Stripe customer and subscription, the subscription's status and
 * paid period (quotas count in it), and the `created` time of the last subscription event applied,
 * so an older event delivered late never overwrites a newer state.
 */
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
    stripeCustomerId: p.string().length(255).nullable(),
    stripeSubscriptionId: p.string().length(255).nullable().index('client_plan_subscription_idx'),
    subscriptionStatus: p.string().length(32).nullable(),
    periodStart: p.datetime().columnType('timestamptz').nullable(),
    periodEnd: p.datetime().columnType('timestamptz').nullable(),
    stripeEventAt: p.datetime().columnType('timestamptz').nullable(),
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

/**
 * Stripe events already processed, keyed by Stripe's event id. Written in the same transaction as
 * the tier change it caused, so a retried delivery finds it and changes nothing.
 */
export const StripeEventSchema = defineEntity({
  name: 'StripeEvent',
  tableName: 'stripe_event',
  schema: 'billing',
  properties: {
    eventId: p.string().length(255).primary(),
    type: p.string().length(100),
    eventCreated: p.datetime().columnType('timestamptz'),
    clientId: p.uuid().nullable(),
    /** applied, stale (older than the state it would change), ignored (nothing of ours). */
    outcome: p.string().length(32),
    processedAt: p.datetime().columnType('timestamptz'),
  },
});
export class StripeEventEntity extends StripeEventSchema.class {}
StripeEventSchema.setClass(StripeEventEntity);

/** Append-only history of a client's tier changes made by billing (who paid, what lapsed). */
export const PlanChangeSchema = defineEntity({
  name: 'PlanChange',
  tableName: 'plan_change',
  schema: 'billing',
  indexes: [{ name: 'plan_change_client_idx', properties: ['clientId', 'createdAt'] }],
  // One change per Stripe event at most, whatever races the processed-event row loses.
  uniques: [{ name: 'plan_change_event_uniq', properties: ['stripeEventId'] }],
  properties: {
    id: p.uuid().primary(),
    clientId: p.uuid(),
    accountId: p.uuid(),
    fromTier: p.string().length(32),
    toTier: p.string().length(32),
    reason: p.string().length(64),
    stripeEventId: p.string().length(255).nullable(),
    stripeSubscriptionId: p.string().length(255).nullable(),
    periodStart: p.datetime().columnType('timestamptz').nullable(),
    periodEnd: p.datetime().columnType('timestamptz').nullable(),
    createdAt: p.datetime().columnType('timestamptz'),
  },
});
export class PlanChangeEntity extends PlanChangeSchema.class {}
PlanChangeSchema.setClass(PlanChangeEntity);
