import express, { type RequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from '../../lib/logger.js';
import { BILLING_WEBHOOK_PATH } from '../../subgraphs/billing/src/webhook/webhook-path.js';

export { BILLING_WEBHOOK_PATH };

/**
 * Where the adapter relays Stripe's webhook: the billing subgraph's own POST /billing/webhook.
 * BILLING_WEBHOOK_URL when set; else derived from BILLING_URL (the billing subgraph's GraphQL URL
 * every service of a stack is given).
 */
export const billingWebhookEnv = z.object({
  BILLING_WEBHOOK_URL: z.string().url().optional(),
  BILLING_URL: z.string().url().default('http://127.0.0.1:4004/graphql'),
});

export function billingWebhookUrlOf(env: z.infer<typeof billingWebhookEnv>): string {
  return env.BILLING_WEBHOOK_URL ?? new URL(BILLING_WEBHOOK_PATH, env.BILLING_URL).toString();
}

/** Stripe's events are small; the billing side refuses anything larger too. */
const MAX_EVENT_BYTES = 512 * 1024;
const RELAY_TIMEOUT_MS = 30_000;

/**
 * POST /billing/webhook on the public port. The adapter stays thin: the webhook logic, Stripe's
 * secrets and the billing tables are the billing module's, so the adapter relays the exact bytes
 * and the Stripe-Signature header (the signature covers the raw body; parsing it here would break
 * it) and returns billing's answer as it is. No credential is asked: Stripe's signature is the
 * authentication, checked by billing. Billing unreachable: 503, and Stripe delivers again later.
 */
export function billingWebhookProxy(targetUrl: string, log: Logger): RequestHandler[] {
  const relay: RequestHandler = async (req, res) => {
    res.setHeader('cache-control', 'no-store');
    const headers: Record<string, string> = { 'content-type': req.header('content-type') ?? 'application/json' };
    const signature = req.header('stripe-signature');
    if (signature) headers['stripe-signature'] = signature;
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let answer: Response;
    try {
      answer = await fetch(targetUrl, { method: 'POST', headers, body: new Uint8Array(body), signal: AbortSignal.timeout(RELAY_TIMEOUT_MS) });
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'billing webhook relay failed');
      res.status(503).json({ error: 'service_unavailable', message: 'Billing is unreachable; Stripe delivers the event again later' });
      return;
    }
    const text = await answer.text();
    res.status(answer.status).type(answer.headers.get('content-type') ?? 'application/json').send(text);
  };
  return [express.raw({ type: () => true, limit: MAX_EVENT_BYTES }), relay];
}
