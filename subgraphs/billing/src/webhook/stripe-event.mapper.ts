import type Stripe from 'stripe';
import type { Tier } from '../plan/plan.catalog.js';
import { METADATA } from '../checkout/checkout.service.js';
import { tierOfPrice, type StripeSettings } from '../stripe/stripe-env.js';
import { decisionOf, FREE_TIER } from '../subscription/subscription-rules.js';

/** What one Stripe event asks of a client's plan, in billing's terms. */
export interface PlanUpdate {
  /** From our metadata, when the object carries it; else found by the subscription id. */
  clientId: string | null;
  accountId: string | null;
  subscriptionId: string;
  customerId: string | null;
  status: string;
  /** The tier to be on; null: leave the tier (a payment not done yet). */
  tier: Tier | null;
  periodStart: Date | null;
  periodEnd: Date | null;
  /** How the tier change is recorded in billing.plan_change. */
  reason: 'checkout_completed' | 'subscription_updated' | 'subscription_deleted';
  /** Only events that end or lapse the subscription downgrade; they never apply to another subscription. */
  lapses: boolean;
}

const idOf = (v: string | { id: string } | null | undefined): string | null => (typeof v === 'string' ? v : (v?.id ?? null));
const dateOf = (seconds: number | null | undefined): Date | null => (typeof seconds === 'number' ? new Date(seconds * 1000) : null);

/**
 * The paid period of a subscription. Since API version 2025-03-31 Stripe keeps it on each item
 * (`items.data[].current_period_*`); endpoints pinned to older versions still send it on the
 * subscription itself, so both are read.
 */
function periodOf(sub: Stripe.Subscription): { start: Date | null; end: Date | null } {
  const item = sub.items?.data?.[0] as (Stripe.SubscriptionItem & { current_period_start?: number; current_period_end?: number }) | undefined;
  const legacy = sub as unknown as { current_period_start?: number; current_period_end?: number };
  return { start: dateOf(item?.current_period_start ?? legacy.current_period_start), end: dateOf(item?.current_period_end ?? legacy.current_period_end) };
}

/** The update a subscription's state asks for; `tier` from its price through the configured mapping. */
export function updateFromSubscription(settings: StripeSettings, sub: Stripe.Subscription, reason: PlanUpdate['reason'], fallback: { clientId?: string | null; accountId?: string | null } = {}): PlanUpdate | null {
  const decision = reason === 'subscription_deleted' ? 'lapsed' : decisionOf(sub.status);
  const priceTier = tierOfPrice(settings, sub.items?.data?.[0]?.price?.id);
  // A paid subscription to a price we do not sell is not ours to act on.
  if (decision === 'paid' && !priceTier) return null;
  const period = periodOf(sub);
  return {
    clientId: sub.metadata?.[METADATA.client] || fallback.clientId || null,
    accountId: sub.metadata?.[METADATA.account] || fallback.accountId || null,
    subscriptionId: sub.id,
    customerId: idOf(sub.customer),
    status: reason === 'subscription_deleted' ? 'canceled' : sub.status,
    tier: decision === 'paid' ? priceTier : decision === 'lapsed' ? FREE_TIER : null,
    periodStart: decision === 'paid' ? period.start : null,
    periodEnd: decision === 'paid' ? period.end : null,
    reason,
    lapses: decision === 'lapsed',
  };
}

/**
 * The subscription a completed Checkout Session created, or null when the session is not a paid
 * subscription of ours (one-off payments, sessions of other integrations, unpaid async payments).
 */
export function subscriptionOfSession(session: Stripe.Checkout.Session): { subscriptionId: string; clientId: string | null; accountId: string | null } | null {
  if (session.mode !== 'subscription') return null;
  if (session.payment_status !== 'paid' && session.payment_status !== 'no_payment_required') return null;
  const subscriptionId = idOf(session.subscription as string | { id: string } | null);
  const clientId = session.metadata?.[METADATA.client] || session.client_reference_id || null;
  if (!subscriptionId || !clientId) return null;
  return { subscriptionId, clientId, accountId: session.metadata?.[METADATA.account] || null };
}
