import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { seedTenant, type SeededTenant } from '../factories/tenant.js';
import { startLabTarget, type LabTarget } from '../lab/lab-target.js';
import { gql } from '../support/graphql.js';
import { completedSession, FAKE_STRIPE_KEY, FAKE_WEBHOOK_SECRET, signedEvent, startFakeStripe, stripeTestEnv, subscriptionObject, type FakeStripe } from '../support/fake-stripe.js';
import { restClient, type RestClient } from '../support/rest.js';
import { recordIssuedToken } from '../support/token-audit.js';
import { startTestStack, type TestStack } from './stack.js';

/** This file's loopback address: the local Stripe API and the scan target. */
const ADDRESS = '127.0.0.83';

// The Stripe keys must never reach a log or a table: the stacks' audits look for them too.
recordIssuedToken(FAKE_STRIPE_KEY);
recordIssuedToken(FAKE_WEBHOOK_SECRET);

describe('billing through the whole platform: Stripe Checkout, the signed webhook, /clients/me', () => {
  let t: TestStack;
  let fake: FakeStripe;
  let rest: RestClient;
  let owner: SeededTenant;
  let client: { id: string; token: string };
  const asClient = () => ({ 'x-api-key': owner.apiKey, authorization: `Bearer ${client.token}` });
  const deliver = (e: { payload: string; signature: string }) => rest.post('/billing/webhook', { headers: { 'content-type': 'application/json', 'stripe-signature': e.signature }, rawBody: e.payload });
  const me = async () => {
    const res = await rest.get('/clients/me', { headers: { authorization: `Bearer ${client.token}` } });
    expect(res.status).toBe(200);
    return res.body as { tier: string; scan_limit: number | null; billing_period: { type: string; start: string; end: string | null } };
  };
  const planChanges = async () => {
    const c = new pg.Client({ connectionString: t.databaseUrl });
    await c.connect();
    try {
      return (await c.query<{ to_tier: string; reason: string }>('select to_tier, reason from billing.plan_change where client_id = $1 order by created_at, id', [client.id])).rows;
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    fake = await startFakeStripe(ADDRESS);
    // New clients start on trial here, so the upgrade and the downgrade both show.
    t = await startTestStack('billing-flow', { env: { ...stripeTestEnv(fake.url), DEFAULT_CLIENT_TIER: 'trial' } });
    rest = restClient(t);
    owner = await seedTenant(t.databaseUrl);
    const reg = await rest.post('/clients/register', { headers: { 'x-api-key': owner.apiKey }, body: { name: 'Billing Corp', email: 'it@billing.example', tier: 'trial' } });
    expect(reg.status).toBe(200);
    client = { id: reg.body.client_id, token: reg.body.token };
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.close();
  });

  it('POST /billing/checkout returns Stripe\'s checkout URL for the client of the Bearer token, with the configured price', async () => {
    const res = await rest.post('/billing/checkout', { headers: asClient(), body: { tier: 'professional', email: 'user@company.com', name: 'John Smith' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tier: 'professional', client_id: client.id });
    expect(res.body.session_id).toMatch(/^cs_test_/);
    expect(res.body.checkout_url).toBe(`https://checkout.stripe.com/c/pay/${res.body.session_id}`);
    const sent = fake.calls.filter((c) => c.path === '/v1/checkout/sessions').at(-1)!;
    expect(sent.form).toMatchObject({ mode: 'subscription', 'line_items[0][price]': 'price_test_professional', client_reference_id: client.id, 'metadata[fixfirst_client_id]': client.id, 'metadata[fixfirst_account_id]': owner.accountId });
    // An account-wide key alone must name the client; a client token alone may not buy.
    const unnamed = await rest.post('/billing/checkout', { headers: { 'x-api-key': owner.apiKey }, body: { tier: 'starter', email: 'user@company.com' } });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.issues.map((i: { field: string }) => i.field)).toEqual(['client_id']);
    const tokenOnly = await gql(t.stack.gatewayUrl, 'mutation { createCheckoutSession(input: { tier: STARTER, email: "user@company.com" }) { url } }', {}, { authorization: `Bearer ${client.token}` });
    expect(tokenOnly.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect((await rest.post('/billing/checkout', { headers: { authorization: `Bearer ${client.token}` }, body: { tier: 'starter', email: 'user@company.com' } })).status).toBe(401);
    const named = await rest.post('/billing/checkout', { headers: { 'x-api-key': owner.apiKey }, body: { tier: 'starter', email: 'user@company.com', client_id: client.id } });
    expect(named.status).toBe(200);
  });

  it('replays POST /billing/checkout with the same Idempotency-Key: one Stripe session, the same URL; another body is 409', async () => {
    const sessions = () => fake.calls.filter((c) => c.path === '/v1/checkout/sessions').length;
    const before = sessions();
    const headers = { ...asClient(), 'idempotency-key': `checkout-${client.id}` };
    const body = { tier: 'starter', email: 'user@company.com' };
    const burst = await Promise.all(Array.from({ length: 3 }, () => rest.post('/billing/checkout', { headers, body })));
    expect(burst.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(burst.map((r) => r.body.session_id)).size).toBe(1);
    expect(sessions()).toBe(before + 1);
    const other = await rest.post('/billing/checkout', { headers, body: { ...body, tier: 'enterprise' } });
    expect(other.status).toBe(409);
    expect(sessions()).toBe(before + 1);
  });

  it('upgrades the tier on a paid checkout, once however often Stripe delivers it; a bad signature is 400 and changes nothing', async () => {
    expect((await me()).tier).toBe('trial');
    const start = Math.floor(Date.now() / 1000) - 2 * 86_400;
    const sub = { id: 'sub_test_billingflow', customer: 'cus_test_billingflow', status: 'active', price: 'price_test_professional', periodStart: start, periodEnd: start + 30 * 86_400 };
    fake.subscriptions.set(sub.id, { ...sub, metadata: { fixfirst_client_id: client.id, fixfirst_account_id: owner.accountId } });
    const event = signedEvent('checkout.session.completed', completedSession({ clientId: client.id, accountId: owner.accountId, tier: 'professional', subscription: sub.id, customer: sub.customer }), { created: start + 60 });

    const forged = signedEvent('checkout.session.completed', JSON.parse(event.payload).data.object, { secret: 'whsec_someone_else' });
    const refused = await deliver(forged);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_input', issues: [{ field: 'Stripe-Signature' }] });
    expect((await deliver({ payload: event.payload.replace('"paid"', '"no_payment_required"'), signature: event.signature })).status).toBe(400);
    expect((await rest.post('/billing/webhook', { headers: { 'content-type': 'application/json' }, rawBody: event.payload })).status).toBe(400);
    expect((await me()).tier).toBe('trial');
    expect(await planChanges()).toEqual([]);

    const first = await deliver(event);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ received: true, event_id: event.id, type: 'checkout.session.completed', outcome: 'applied' });
    const again = await deliver(event);
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('duplicate');

    const after = await me();
    expect(after).toMatchObject({ tier: 'professional', scan_limit: null, billing_period: { type: 'month', start: new Date(start * 1000).toISOString(), end: new Date((start + 30 * 86_400) * 1000).toISOString() } });
    expect(await planChanges()).toEqual([{ to_tier: 'professional', reason: 'checkout_completed' }]);
    const viaGraphql = await gql(t.stack.gatewayUrl, 'query($id: ID!) { client(id: $id) { plan { tier } usage { periodStart periodEnd } } }', { id: client.id }, { 'x-api-key': owner.apiKey });
    expect(viaGraphql.errors).toBeUndefined();
    expect(viaGraphql.data!.client).toMatchObject({ plan: { tier: 'professional' }, usage: { periodStart: new Date(start * 1000).toISOString() } });
    // Unknown event types are acknowledged and ignored.
    expect((await deliver(signedEvent('invoice.paid', { id: 'in_test_1', object: 'invoice' }))).body.outcome).toBe('ignored');
  });

  it('follows a newer subscription update, ignores an older one delivered late, and downgrades to trial when the subscription is deleted', async () => {
    const base = fake.subscriptions.get('sub_test_billingflow')!;
    const created = base.periodStart + 3600;
    const newer = await deliver(signedEvent('customer.subscription.updated', subscriptionObject({ ...base, price: 'price_test_enterprise' }), { created: created + 20 }));
    expect(newer.body.outcome).toBe('applied');
    const older = await deliver(signedEvent('customer.subscription.updated', subscriptionObject({ ...base, price: 'price_test_starter' }), { created: created + 10 }));
    expect(older.body.outcome).toBe('stale');
    expect((await me()).tier).toBe('enterprise');
    const deleted = await deliver(signedEvent('customer.subscription.deleted', subscriptionObject({ ...base, status: 'canceled' }), { created: created + 30 }));
    expect(deleted.body.outcome).toBe('applied');
    expect(await me()).toMatchObject({ tier: 'trial', billing_period: { type: 'total', end: null } });
    expect((await planChanges()).map((c) => c.to_tier)).toEqual(['professional', 'enterprise', 'trial']);
  });
});

describe('billing without Stripe settings', () => {
  let t: TestStack;
  let lab: LabTarget;
  let rest: RestClient;
  let owner: SeededTenant;

  beforeAll(async () => {
    lab = await startLabTarget({ headers: { server: 'billing-lab/1.0' }, host: ADDRESS });
    t = await startTestStack('billing-unconfigured', {});
    rest = restClient(t);
    owner = await seedTenant(t.databaseUrl);
  });
  afterAll(async () => {
    await t?.stop();
    await lab?.close();
  });

  it('answers 503 naming the settings on both billing routes while scans work', async () => {
    const checkout = await rest.post('/billing/checkout', { headers: { 'x-api-key': owner.apiKey }, body: { tier: 'professional', email: 'user@company.com', name: 'John Smith', client_id: owner.defaultClientId } });
    expect(checkout.status).toBe(503);
    expect(checkout.body.error).toBe('service_unavailable');
    expect(checkout.body.message).toMatch(/STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET/);
    const e = signedEvent('invoice.paid', { id: 'in_test_2', object: 'invoice' });
    const webhook = await rest.post('/billing/webhook', { headers: { 'content-type': 'application/json', 'stripe-signature': e.signature }, rawBody: e.payload });
    expect(webhook.status).toBe(503);
    expect(webhook.body).toMatchObject({ error: 'service_unavailable' });
    expect(webhook.body.message).toMatch(/STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET/);
    const scan = await rest.post('/scan', { headers: { 'x-api-key': owner.apiKey }, body: { target: lab.url } });
    expect(scan.status).toBe(200);
    expect(scan.body.status).toBe('queued');
    const plans = await gql(t.stack.gatewayUrl, '{ plans { tier } }', {}, { 'x-api-key': owner.apiKey });
    expect(plans.data!.plans.map((p: { tier: string }) => p.tier)).toEqual(['trial', 'starter', 'professional', 'enterprise']);
  });
});
