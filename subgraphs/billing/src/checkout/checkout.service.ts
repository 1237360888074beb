import type { EntityManager } from '@mikro-orm/postgresql';
import type { Identity } from '../../../../lib/auth/identity.js';
import { requireScope, tenantOf } from '../../../../lib/auth/tenant.js';
import { BadUserInputError, ConflictError, NotFoundError, ServiceUnavailableError } from '../../../../lib/errors.js';
import type { BillingDeps, StripeBilling } from '../deps.js';
import { parseBillingInput } from '../validation.js';
import { QuotaService } from '../subscription/quota.service.js';
import { PAID_STATUSES } from '../subscription/subscription-rules.js';
import { priceSetting, STRIPE_REQUIRED, type PaidTier } from '../stripe/stripe-env.js';
import { checkoutSchema } from './checkout.input.js';

/** A created Checkout Session, as the API returns it. */
export interface CreatedCheckout {
  url: string;
  sessionId: string;
  expiresAt: Date;
  tier: PaidTier;
  clientId: string;
}

/** Metadata keys our Checkout Sessions and subscriptions carry; the webhook reads them back. */
export const METADATA = { client: 'fixfirst_client_id', account: 'fixfirst_account_id', tier: 'fixfirst_tier' } as const;

/** Thrown when the deployment has no Stripe keys: names what to set. */
export function billingNotConfigured(): ServiceUnavailableError {
  return new ServiceUnavailableError(`Billing is not configured on this deployment: set ${STRIPE_REQUIRED.join(' and ')} (with STRIPE_SUCCESS_URL, STRIPE_CANCEL_URL and the STRIPE_PRICE_* ids)`, {
    reason: 'BILLING_NOT_CONFIGURED',
  });
}

/**
 * Starts a paid subscription through Stripe Checkout. Needs billing:admin, which client tokens never
 * hold: the account (an MSP or the company) is who pays, so a client's own token cannot commit it to
 * a subscription; an account key may buy for any of its clients (naming it), or for one client when
 * narrowed by that client's token or limited to it.
 */
export class CheckoutService {
  constructor(
    private readonly em: EntityManager,
    private readonly identity: Identity,
    private readonly deps: BillingDeps,
  ) {}

  async create(input: unknown): Promise<CreatedCheckout> {
    requireScope(this.identity, 'billing:admin');
    const stripe = this.deps.stripe;
    if (!stripe) throw billingNotConfigured();
    const args = parseBillingInput(checkoutSchema, input);
    const clientId = await this.clientOf(args.clientId);
    const price = stripe.settings.prices[args.tier];
    if (!price) {
      throw new ServiceUnavailableError(`The ${args.tier} tier is not sold on this deployment: set ${priceSetting(args.tier)} to its Stripe price id`, {
        reason: 'BILLING_NOT_CONFIGURED',
      });
    }
    const { accountId } = this.identity;
    const plan = await new QuotaService(this.em, this.deps.catalog, this.deps.defaultTier).ensurePlan(accountId, clientId);
    if (plan.stripeSubscriptionId && plan.subscriptionStatus && PAID_STATUSES.has(plan.subscriptionStatus)) {
      // A second subscription would bill the account twice for one client.
      throw new ConflictError(`This client already has a ${plan.subscriptionStatus} subscription (${plan.tier}); change or cancel it in Stripe first`);
    }
    const metadata = { [METADATA.client]: clientId, [METADATA.account]: accountId, [METADATA.tier]: args.tier, ...(args.name ? { fixfirst_contact_name: args.name } : {}) };
    const session = await this.createSession(stripe, {
      mode: 'subscription',
      line_items: [{ price, quantity: 1 }],
      success_url: stripe.settings.successUrl,
      cancel_url: stripe.settings.cancelUrl,
      client_reference_id: clientId,
      // A returning payer keeps its Stripe customer; Stripe refuses customer and customer_email together.
      ...(plan.stripeCustomerId ? { customer: plan.stripeCustomerId } : { customer_email: args.email }),
      metadata,
      // Copied onto the subscription, so its later events name our client too.
      subscription_data: { metadata },
    });
    if (!session.url) throw new ServiceUnavailableError('Stripe created a checkout session without a payment URL; retry later');
    return { url: session.url, sessionId: session.id, expiresAt: new Date(session.expires_at * 1000), tier: args.tier, clientId };
  }

  /** The client being bought for: a client-scoped credential's own, or the one an account credential names. */
  private async clientOf(requested: string | null): Promise<string> {
    const tenant = tenantOf(this.identity);
    if (tenant.clientId) {
      if (requested && requested !== tenant.clientId) throw new NotFoundError('Client');
      return tenant.clientId;
    }
    if (!requested) {
      throw new BadUserInputError([{ field: 'clientId', message: 'an account-wide credential must name the client the plan is for' }]);
    }
    const client = await this.deps.clients(tenant, requested);
    if (!client || client.accountId !== tenant.accountId) throw new NotFoundError('Client');
    return client.id;
  }

  private async createSession(stripe: StripeBilling, params: Parameters<StripeBilling['client']['checkout']['sessions']['create']>[0]) {
    try {
      return await stripe.client.checkout.sessions.create(params);
    } catch (err) {
      // Stripe's own message may name prices or settings: logged for the operator, not returned.
      this.deps.log.error({ err: err instanceof Error ? err.message : String(err), type: (err as { type?: string }).type }, 'stripe checkout session failed');
      throw new ServiceUnavailableError('Stripe could not create the checkout session; retry later');
    }
  }
}
