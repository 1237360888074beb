import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import express from 'express';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger.js';
import { billingWebhookProxy, BILLING_WEBHOOK_PATH } from '../../../rest-adapter/src/billing-webhook-proxy.js';
import { errorHandler } from '../../../rest-adapter/src/error-handler.js';
import type { StripeBilling } from '../../../subgraphs/billing/src/deps.js';
import { createStripeClient } from '../../../subgraphs/billing/src/stripe/stripe-client.js';
import { stripeEnv, stripeSettingsFromEnv } from '../../../subgraphs/billing/src/stripe/stripe-env.js';
import type { StripeWebhookService } from '../../../subgraphs/billing/src/webhook/stripe-webhook.service.js';
import { mountStripeWebhook } from '../../../subgraphs/billing/src/webhook/stripe-webhook.route.js';
import { FAKE_WEBHOOK_SECRET, signedEvent, stripeTestEnv } from '../../support/fake-stripe.js';

/** This file's loopback address. */
const HOST = '127.0.0.86';
const log = createLogger('billing-webhook-http-test', 'silent');

async function listen(app: express.Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve());
  });
  return {
    url: `http://${HOST}:${(server.address() as AddressInfo).port}${BILLING_WEBHOOK_PATH}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * The webhook over HTTP: billing's own route (unauthenticated, on the subgraph's port) and the
 * REST adapter's relay in front of it. Processing is stubbed (stripe-billing.test.ts covers it):
 * this proves what reaches it, and what a caller without a valid signature gets back.
 */
describe('Stripe webhook over HTTP: billing\'s route and the adapter\'s relay', () => {
  const processed: Stripe.Event[] = [];
  const service = {
    handle: async (event: Stripe.Event) => {
      processed.push(event);
      return { eventId: event.id, type: event.type, outcome: 'applied' as const, clientId: null };
    },
  } as unknown as StripeWebhookService;
  let billing: Awaited<ReturnType<typeof listen>>;
  let adapter: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    // No request reaches this Stripe API: verifying a signature needs no network.
    const settings = stripeSettingsFromEnv(stripeEnv.parse(stripeTestEnv(`http://${HOST}:9`)))!;
    const stripe: StripeBilling = { settings, client: createStripeClient(settings) };
    const billingApp = express();
    mountStripeWebhook(billingApp, stripe, service, log);
    billing = await listen(billingApp);
    const adapterApp = express();
    adapterApp.post(BILLING_WEBHOOK_PATH, ...billingWebhookProxy(billing.url, log));
    adapterApp.use(errorHandler(log));
    adapter = await listen(adapterApp);
  });
  afterAll(async () => {
    await adapter?.close();
    await billing?.close();
  });

  it('verifies the exact bytes Stripe sent (pretty-printed, non-ASCII), directly and through the relay', async () => {
    for (const url of [billing.url, adapter.url]) {
      const e = signedEvent('invoice.paid', { id: 'in_1', object: 'invoice', description: 'Zoë Ñúñez 😀' });
      expect(e.payload).toContain('\n  "id"');
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': e.signature }, body: e.payload });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ received: true, event_id: e.id, type: 'invoice.paid', outcome: 'applied' });
      expect(processed.at(-1)!.data.object).toMatchObject({ description: 'Zoë Ñúñez 😀' });
    }
  });

  it('refuses a body changed by one byte, with no detail of the secret or the processing', async () => {
    for (const url of [billing.url, adapter.url]) {
      const before = processed.length;
      const e = signedEvent('checkout.session.completed', { id: 'cs_test_y', object: 'checkout.session', payment_status: 'paid' });
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': e.signature }, body: `${e.payload} ` });
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ error: 'invalid_input', issues: [{ field: 'Stripe-Signature' }] });
      expect(text).not.toContain(FAKE_WEBHOOK_SECRET);
      expect(processed.length).toBe(before);
    }
  });

  it('answers JSON, never an HTML page with a stack, to bodies the parser refuses on billing\'s own port', async () => {
    const e = signedEvent('invoice.paid', { id: 'in_2', object: 'invoice' });
    const tooLarge = await fetch(billing.url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': e.signature }, body: 'x'.repeat(600 * 1024) });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await tooLarge.json()).toEqual({ error: 'payload_too_large' });

    const badGzip = await fetch(billing.url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'stripe-signature': e.signature }, body: 'not gzip at all' });
    expect(badGzip.status).toBe(400);
    const text = await badGzip.text();
    expect(JSON.parse(text)).toMatchObject({ error: 'invalid_input' });
    expect(text).not.toMatch(/at .*\.js|node_modules|<pre>/);

    const unknownEncoding = await fetch(billing.url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'x-unknown', 'stripe-signature': e.signature }, body: e.payload });
    expect(unknownEncoding.status).toBe(400);
    expect(await unknownEncoding.json()).toMatchObject({ error: 'invalid_input' });

    // A gzipped delivery of a valid event still verifies: the signature is over the decoded bytes.
    const zipped = await fetch(billing.url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'stripe-signature': e.signature }, body: gzipSync(e.payload) });
    expect(zipped.status).toBe(200);
  });

  it('caps the relay too, answering the adapter\'s JSON error without calling billing', async () => {
    const before = processed.length;
    const res = await fetch(adapter.url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' }, body: 'x'.repeat(600 * 1024) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'payload_too_large' });
    expect(processed.length).toBe(before);
  });
});
