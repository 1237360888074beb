import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/** One request the fake Stripe received: its form-encoded body as flat `key[sub]=value` pairs. */
export interface StripeCall {
  method: string;
  path: string;
  authorization: string | null;
  /** The API version the SDK pinned (Stripe-Version header). */
  stripeVersion: string | null;
  /** The SDK sends one on every POST when it may retry: Stripe then never acts twice. */
  idempotencyKey: string | null;
  form: Record<string, string>;
}

/** A Stripe-shaped subscription (API 2025-03-31+: the period lives on the item). */
export interface FakeSubscription {
  id: string;
  customer: string;
  status: string;
  price: string;
  periodStart: number;
  periodEnd: number;
  metadata?: Record<string, string>;
}

export interface FakeStripe {
  /** For STRIPE_API_URL. */
  url: string;
  calls: StripeCall[];
  /** Subscriptions GET /v1/subscriptions/:id answers. */
  subscriptions: Map<string, FakeSubscription>;
  /** Price ids that exist; Checkout with another is Stripe's 400 resource_missing. */
  prices: Set<string>;
  close(): Promise<void>;
}

/** The test keys every fake-Stripe setup uses (obviously fake; not credentials of anything). */
export const FAKE_STRIPE_KEY = 'sk_test_fixfirst_fake_stripe_key';
export const FAKE_WEBHOOK_SECRET = 'whsec_fixfirst_fake_webhook_secret';

/** Env for a stack (or billing) that sells through the fake Stripe at `url`. */
export function stripeTestEnv(url: string): Record<string, string> {
  return {
    STRIPE_SECRET_KEY: FAKE_STRIPE_KEY,
    STRIPE_WEBHOOK_SECRET: FAKE_WEBHOOK_SECRET,
    STRIPE_PRICE_STARTER: 'price_test_starter',
    STRIPE_PRICE_PROFESSIONAL: 'price_test_professional',
    STRIPE_PRICE_ENTERPRISE: 'price_test_enterprise',
    STRIPE_SUCCESS_URL: 'https://app.example.test/billing/success?session_id={CHECKOUT_SESSION_ID}',
    STRIPE_CANCEL_URL: 'https://app.example.test/billing/cancelled',
    STRIPE_API_URL: url,
  };
}

/** The subscription object as Stripe's API returns it. */
export function subscriptionObject(s: FakeSubscription): Record<string, unknown> {
  return {
    id: s.id,
    object: 'subscription',
    customer: s.customer,
    status: s.status,
    metadata: s.metadata ?? {},
    items: {
      object: 'list',
      data: [{ id: `si_${s.id}`, object: 'subscription_item', price: { id: s.price, object: 'price' }, quantity: 1, current_period_start: s.periodStart, current_period_end: s.periodEnd }],
    },
  };
}

/**
 * A local server answering the slice of the Stripe API billing uses, the way Stripe does:
 * POST /v1/checkout/sessions (form-encoded) → a checkout.session; GET /v1/subscriptions/:id.
 * Wrong or missing secret key: Stripe's 401 error object.
 */
export async function startFakeStripe(host: string): Promise<FakeStripe> {
  const calls: StripeCall[] = [];
  const subscriptions = new Map<string, FakeSubscription>();
  const prices = new Set(['price_test_starter', 'price_test_professional', 'price_test_enterprise']);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const path = (req.url ?? '/').split('?')[0]!;
      const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : null);
      calls.push({ method: req.method ?? 'GET', path, authorization: header('authorization'), stripeVersion: header('stripe-version'), idempotencyKey: header('idempotency-key'), form });
      const send = (status: number, body: unknown) => {
        // Stripe answers which version it used (the pinned one the SDK asked for).
        res
          .writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${randomBytes(6).toString('hex')}`, 'stripe-version': header('stripe-version') ?? Stripe.API_VERSION })
          .end(JSON.stringify(body, null, 2));
      };
      if (req.headers.authorization !== `Bearer ${FAKE_STRIPE_KEY}`) {
        send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
        return;
      }
      if (req.method === 'POST' && path === '/v1/checkout/sessions') {
        const price = form['line_items[0][price]'];
        if (!price || !prices.has(price)) {
          send(400, { error: { type: 'invalid_request_error', code: 'resource_missing', param: 'line_items[0][price]', message: `No such price: '${price}'`, doc_url: 'https://stripe.com/docs/error-codes/resource-missing' } });
          return;
        }
        if (form.customer && form.customer_email) {
          send(400, { error: { type: 'invalid_request_error', message: 'You may only specify one of these parameters: customer, customer_email.' } });
          return;
        }
        const id = `cs_test_${randomBytes(12).toString('hex')}`;
        const metadata = Object.fromEntries(Object.entries(form).filter(([k]) => /^metadata\[/.test(k)).map(([k, v]) => [k.slice(9, -1), v]));
        send(200, {
          id,
          object: 'checkout.session',
          mode: form.mode,
          status: 'open',
          payment_status: 'unpaid',
          url: `https://checkout.stripe.com/c/pay/${id}`,
          expires_at: Math.floor(Date.now() / 1000) + 24 * 3600,
          client_reference_id: form.client_reference_id ?? null,
          customer: form.customer ?? null,
          customer_email: form.customer_email ?? null,
          metadata,
          subscription: null,
          success_url: form.success_url,
          cancel_url: form.cancel_url,
        });
        return;
      }
      const sub = /^\/v1\/subscriptions\/([^/]+)$/.exec(path);
      if (req.method === 'GET' && sub) {
        const found = subscriptions.get(decodeURIComponent(sub[1]!));
        if (found) send(200, subscriptionObject(found));
        else send(404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such subscription: '${sub[1]}'`, param: 'id' } });
        return;
      }
      send(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${path})` } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    calls,
    subscriptions,
    prices,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const signer = new Stripe(FAKE_STRIPE_KEY);

/**
 * A Stripe event body and its Stripe-Signature, signed with the SDK's own test helper. The body is
 * pretty-printed as Stripe sends it, so a hop that re-serialises JSON breaks the signature.
 */
export function signedEvent(type: string, object: Record<string, unknown>, opts: { id?: string; created?: number; secret?: string } = {}): { payload: string; signature: string; id: string } {
  const id = opts.id ?? `evt_test_${randomBytes(10).toString('hex')}`;
  const payload = JSON.stringify({
    id,
    object: 'event',
    // The SDK's pinned version: a webhook endpoint created by this integration is on it.
    api_version: Stripe.API_VERSION,
    created: opts.created ?? Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  }, null, 2);
  return { payload, signature: signer.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? FAKE_WEBHOOK_SECRET }), id };
}

/** A completed, paid Checkout Session of ours for `clientId`, as checkout.session.completed carries it. */
export function completedSession(o: { clientId: string; accountId: string; tier: string; subscription: string; customer: string }): Record<string, unknown> {
  return {
    id: `cs_test_${randomBytes(8).toString('hex')}`,
    object: 'checkout.session',
    mode: 'subscription',
    status: 'complete',
    payment_status: 'paid',
    client_reference_id: o.clientId,
    customer: o.customer,
    subscription: o.subscription,
    metadata: { fixfirst_client_id: o.clientId, fixfirst_account_id: o.accountId, fixfirst_tier: o.tier },
  };
}
