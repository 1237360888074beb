import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import type { Logger } from '../../../../lib/logger.js';
import { verifyStripeEvent } from '../stripe/stripe-client.js';
import { STRIPE_REQUIRED, type StripeSettings } from '../stripe/stripe-env.js';
import type { StripeBilling } from '../deps.js';
import type { StripeWebhookService } from './stripe-webhook.service.js';
import { BILLING_WEBHOOK_PATH } from './webhook-path.js';


/** Stripe's events are small; anything bigger is not from Stripe. */
const MAX_EVENT_BYTES = 512 * 1024;

/**
 * POST /billing/webhook on the billing subgraph's HTTP server. No credential: Stripe's signature
 * over the raw body is the authentication, so the body is read as bytes and never re-serialised.
 * Answers JSON with the REST adapter's error names: 503 service_unavailable without Stripe keys,
 * 400 invalid_input for a missing or wrong signature (nothing is changed), 200 otherwise (also for
 * event types billing ignores), 500 when processing failed (Stripe retries).
 */
export function mountStripeWebhook(app: Express, stripe: StripeBilling | null, service: StripeWebhookService | null, log: Logger): void {
  app.post(BILLING_WEBHOOK_PATH, express.raw({ type: () => true, limit: MAX_EVENT_BYTES }), async (req: Request, res: Response) => {
    res.setHeader('cache-control', 'no-store');
    if (!stripe || !service) {
      res.status(503).json({ error: 'service_unavailable', message: `Billing is not configured on this deployment: set ${STRIPE_REQUIRED.join(' and ')}` });
      return;
    }
    const signature = req.header('stripe-signature');
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!signature) {
      res.status(400).json(badSignature('The Stripe-Signature header is missing'));
      return;
    }
    let event;
    try {
      event = verifyStripeEvent(stripe.client, body, signature, stripe.settings as StripeSettings);
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'stripe webhook signature refused');
      res.status(400).json(badSignature('The Stripe-Signature does not verify for this body with STRIPE_WEBHOOK_SECRET (or is too old)'));
      return;
    }
    try {
      const result = await service.handle(event);
      res.status(200).json({ received: true, event_id: result.eventId, type: result.type, outcome: result.outcome });
    } catch (err) {
      log.error({ err, eventId: event.id, type: event.type }, 'stripe event processing failed');
      res.status(500).json({ error: 'internal_error' });
    }
  }, bodyErrors);
}

/**
 * The raw body parser's refusals (too large, a bad or unknown Content-Encoding, an aborted body)
 * as JSON. Without this they reach Express's default handler, which answers this unauthenticated
 * port with an HTML page carrying the error's stack outside production.
 */
const bodyErrors: ErrorRequestHandler = (err: { type?: string; status?: number }, _req, res, _next) => {
  res.setHeader('cache-control', 'no-store');
  if (err?.type === 'entity.too.large') {
    res.setHeader('connection', 'close');
    res.status(413).json({ error: 'payload_too_large' });
    return;
  }
  const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? 400 : 500;
  res.status(status).json(status === 400 ? { error: 'invalid_input', issues: [{ field: 'body', message: 'The body could not be read as a Stripe event' }] } : { error: 'internal_error' });
};

function badSignature(message: string) {
  return { error: 'invalid_input', issues: [{ field: 'Stripe-Signature', message }] };
}
