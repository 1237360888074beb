import { z } from 'zod';
import type { Tier } from '../plan/plan.catalog.js';

const optional = z
  .string()
  .trim()
  .optional()
  .transform((v) => v || undefined);

/**
 * Stripe settings of the billing subgraph. All optional: without STRIPE_SECRET_KEY and
 * STRIPE_WEBHOOK_SECRET billing answers 503 (naming them) and the rest of the platform works.
 * Either both keys or neither: a deployment that sells without the webhook would take payments
 * that never activate a tier. STRIPE_API_URL points the SDK elsewhere (tests: a local Stripe).
 */
export const stripeEnv = z
  .object({
    STRIPE_SECRET_KEY: optional,
    STRIPE_WEBHOOK_SECRET: optional,
    STRIPE_PRICE_STARTER: optional,
    STRIPE_PRICE_PROFESSIONAL: optional,
    STRIPE_PRICE_ENTERPRISE: optional,
    /** Where Checkout sends the payer back; `{CHECKOUT_SESSION_ID}` is filled in by Stripe. */
    STRIPE_SUCCESS_URL: z.string().url().optional(),
    STRIPE_CANCEL_URL: z.string().url().optional(),
    /** Default https://api.stripe.com; e.g. http://127.0.0.1:12111 for a local Stripe (stripe-mock). */
    STRIPE_API_URL: z.string().url().optional(),
    /** How old a signed webhook may be (Stripe's replay protection); default Stripe's 300 s. */
    STRIPE_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  })
  .refine((e) => !e.STRIPE_WEBHOOK_SECRET || e.STRIPE_SECRET_KEY, {
    message: 'STRIPE_WEBHOOK_SECRET requires STRIPE_SECRET_KEY',
    path: ['STRIPE_SECRET_KEY'],
  })
  .refine((e) => !e.STRIPE_SECRET_KEY || e.STRIPE_WEBHOOK_SECRET, {
    message: 'STRIPE_SECRET_KEY requires STRIPE_WEBHOOK_SECRET (without the webhook, payments never activate a tier)',
    path: ['STRIPE_WEBHOOK_SECRET'],
  })
  .refine((e) => !e.STRIPE_SECRET_KEY || (e.STRIPE_SUCCESS_URL && e.STRIPE_CANCEL_URL), {
    message: 'STRIPE_SECRET_KEY requires STRIPE_SUCCESS_URL and STRIPE_CANCEL_URL (where Checkout returns the payer)',
    path: ['STRIPE_SUCCESS_URL'],
  });
export type StripeEnv = z.infer<typeof stripeEnv>;

/** Tiers sold through Stripe (trial is the free tier). */
export const PAID_TIERS = ['starter', 'professional', 'enterprise'] as const;
export type PaidTier = (typeof PAID_TIERS)[number];

/** Billing's Stripe configuration when complete; null when the deployment does not sell. */
export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  /** Price id per paid tier; a tier without one cannot be bought (503 naming its setting). */
  prices: Partial<Record<PaidTier, string>>;
  successUrl: string;
  cancelUrl: string;
  apiUrl: URL | null;
  webhookToleranceSeconds: number;
}

/** The settings an operator must give before billing works. */
export const STRIPE_REQUIRED = ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] as const;

export function stripeSettingsFromEnv(env: StripeEnv): StripeSettings | null {
  if (!env.STRIPE_SECRET_KEY || !env.STRIPE_WEBHOOK_SECRET || !env.STRIPE_SUCCESS_URL || !env.STRIPE_CANCEL_URL) return null;
  const prices: Partial<Record<PaidTier, string>> = {};
  if (env.STRIPE_PRICE_STARTER) prices.starter = env.STRIPE_PRICE_STARTER;
  if (env.STRIPE_PRICE_PROFESSIONAL) prices.professional = env.STRIPE_PRICE_PROFESSIONAL;
  if (env.STRIPE_PRICE_ENTERPRISE) prices.enterprise = env.STRIPE_PRICE_ENTERPRISE;
  return {
    secretKey: env.STRIPE_SECRET_KEY,
    webhookSecret: env.STRIPE_WEBHOOK_SECRET,
    prices,
    successUrl: env.STRIPE_SUCCESS_URL,
    cancelUrl: env.STRIPE_CANCEL_URL,
    apiUrl: env.STRIPE_API_URL ? new URL(env.STRIPE_API_URL) : null,
    webhookToleranceSeconds: env.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
  };
}

/** The paid tier a Stripe price id sells, through the configured mapping; null for a price not ours. */
export function tierOfPrice(settings: StripeSettings, priceId: string | null | undefined): Tier | null {
  if (!priceId) return null;
  for (const tier of PAID_TIERS) if (settings.prices[tier] === priceId) return tier;
  return null;
}

/** The env name of a paid tier's price id. */
export function priceSetting(tier: PaidTier): string {
  return `STRIPE_PRICE_${tier.toUpperCase()}`;
}
