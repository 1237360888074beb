import type Stripe from 'stripe';
import type { Tenant } from '../../../lib/auth/tenant.js';
import type { Logger } from '../../../lib/logger.js';
import type { PlanSpec, Tier } from './plan/plan.catalog.js';
import type { StripeSettings } from './stripe/stripe-env.js';

/** Finds a client the tenant may see, through the clients module's exported service (never its tables). */
export type ClientDirectory = (tenant: Tenant, clientId: string) => Promise<{ id: string; accountId: string } | null>;

/** Stripe as this deployment configured it: the SDK and its settings. */
export interface StripeBilling {
  settings: StripeSettings;
  client: Stripe;
}

/** What the billing module needs beyond its own database, built once per process. */
export interface BillingDeps {
  catalog: PlanSpec[];
  defaultTier: Tier;
  /** null: billing is not configured (checkout and webhook answer 503). */
  stripe: StripeBilling | null;
  clients: ClientDirectory;
  log: Logger;
}
