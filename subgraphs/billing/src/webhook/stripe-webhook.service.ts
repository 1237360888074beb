import type { MikroORM } from '@mikro-orm/postgresql';
import type Stripe from 'stripe';
import type { Logger } from '../../../../lib/logger.js';
import type { Tier } from '../plan/plan.catalog.js';
import type { StripeBilling } from '../deps.js';
import { SubscriptionSyncService, type EventOutcome, type EventRef } from '../subscription/subscription-sync.service.js';
import { subscriptionOfSession, updateFromSubscription, type PlanUpdate } from './stripe-event.mapper.js';

/** The events billing acts on; every other type is answered 200 and ignored. */
export const HANDLED_EVENTS = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'customer.subscription.updated',
  'customer.subscription.deleted',
] as const;

/** What the webhook answers Stripe (and logs). */
export interface WebhookResult {
  eventId: string;
  type: string;
  outcome: EventOutcome;
  clientId: string | null;
}

/**
 * Turns verified Stripe events into plan changes. A completed Checkout names our client in its
 * metadata; the subscription it created is read back from Stripe for its price and paid period
 * (the session carries neither). Subscription events carry the whole subscription.
 */
export class StripeWebhookService {
  constructor(
    private readonly orm: MikroORM,
    private readonly stripe: StripeBilling,
    private readonly defaultTier: Tier,
    private readonly log: Logger,
  ) {}

  async handle(event: Stripe.Event): Promise<WebhookResult> {
    const ref: EventRef = { id: event.id, type: event.type, created: new Date(event.created * 1000) };
    const sync = new SubscriptionSyncService(this.orm.em.fork(), this.defaultTier);
    if (!(HANDLED_EVENTS as readonly string[]).includes(event.type)) return { eventId: event.id, type: event.type, outcome: 'ignored', clientId: null };
    if (await sync.seen(event.id)) return { eventId: event.id, type: event.type, outcome: 'duplicate', clientId: null };
    const update = await this.updateOf(event);
    const result = update ? await sync.apply(ref, update) : { outcome: await sync.ignore(ref), clientId: null };
    this.log.info({ eventId: event.id, type: event.type, outcome: result.outcome, clientId: result.clientId, tier: update?.tier ?? null }, 'stripe event processed');
    return { eventId: event.id, type: event.type, ...result };
  }

  private async updateOf(event: Stripe.Event): Promise<PlanUpdate | null> {
    const settings = this.stripe.settings;
    switch (event.type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded': {
        const found = subscriptionOfSession(event.data.object);
        if (!found) return null;
        // Throws when Stripe cannot be reached: the webhook answers 500 and Stripe delivers again.
        const sub = await this.stripe.client.subscriptions.retrieve(found.subscriptionId);
        return updateFromSubscription(settings, sub, 'checkout_completed', found);
      }
      case 'customer.subscription.updated':
        return updateFromSubscription(settings, event.data.object, 'subscription_updated');
      case 'customer.subscription.deleted':
        return updateFromSubscription(settings, event.data.object, 'subscription_deleted');
      default:
        return null;
    }
  }
}
