import type { Tier } from '../plan/plan.catalog.js';

/**
 * The tier a client falls back to when its subscription ends: trial, the one tier never sold.
 * Not DEFAULT_CLIENT_TIER: a deployment may start new clients on a paid tier (tests use
 * enterprise), and a cancelled subscription must never leave a client on a tier it stopped paying.
 */
export const FREE_TIER: Tier = 'trial';

/**
 * Subscription statuses that keep the paid tier. past_due too: Stripe is still retrying the
 * payment (Smart Retries) and ends in `unpaid` or `canceled` if it fails, which downgrades then.
 */
export const PAID_STATUSES: ReadonlySet<string> = new Set(['active', 'trialing', 'past_due']);

/** Statuses after which the client is no longer paying: back to the free tier. */
export const LAPSED_STATUSES: ReadonlySet<string> = new Set(['canceled', 'unpaid', 'incomplete_expired', 'paused']);

/** What a subscription's status means for the client's tier (`incomplete`: payment not done yet, no change). */
export function decisionOf(status: string): 'paid' | 'lapsed' | 'pending' {
  if (PAID_STATUSES.has(status)) return 'paid';
  if (LAPSED_STATUSES.has(status)) return 'lapsed';
  return 'pending';
}
