import Stripe from 'stripe';
import type { StripeSettings } from './stripe-env.js';

/**
 * The official SDK, pointed at STRIPE_API_URL when set (the SDK's own `host`, `port` and
 * `protocol` options: tests answer the Stripe API on loopback). The API version is the SDK's
 * pinned one, so request and event shapes match the types it ships.
 */
export function createStripeClient(settings: StripeSettings): Stripe {
  const url = settings.apiUrl;
  return new Stripe(settings.secretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    appInfo: { name: 'fixfirst' },
    ...(url
      ? {
          host: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port || (url.protocol === 'http:' ? 80 : 443),
          protocol: url.protocol === 'http:' ? 'http' : 'https',
        }
      : {}),
  });
}

/**
 * Verifies a webhook's `Stripe-Signature` over the exact bytes received and parses the event;
 * throws Stripe's signature error on any mismatch. Needs no network: the client's key is unused.
 */
export function verifyStripeEvent(stripe: Stripe, rawBody: Buffer, signature: string, settings: StripeSettings): Stripe.Event {
  return stripe.webhooks.constructEvent(rawBody, signature, settings.webhookSecret, settings.webhookToleranceSeconds);
}
