import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import Stripe from 'stripe';
import type { Identity } from '../../../lib/auth/identity.js';
import { SCOPES } from '../../../lib/auth/tenant.js';
import { openModuleOrm, type MikroORM } from '../../../lib/db/orm.js';
import { createLogger } from '../../../lib/logger.js';
import { CheckoutService } from '../../../subgraphs/billing/src/checkout/checkout.service.js';
import type { BillingDeps, StripeBilling } from '../../../subgraphs/billing/src/deps.js';
import { billingDb, planCatalog, QuotaService } from '../../../subgraphs/billing/src/module.js';
import { createStripeClient } from '../../../subgraphs/billing/src/stripe/stripe-client.js';
import { stripeEnv, stripeSettingsFromEnv } from '../../../subgraphs/billing/src/stripe/stripe-env.js';
import { StripeWebhookService } from '../../../subgraphs/billing/src/webhook/stripe-webhook.service.js';
import { updateFromSubscription } from '../../../subgraphs/billing/src/webhook/stripe-event.mapper.js';
import { SubscriptionSyncService } from '../../../subgraphs/billing/src/subscription/subscription-sync.service.js';
import { createTestDatabase } from '../../support/database.js';
import { completedSession, signedEvent, startFakeStripe, stripeTestEnv, subscriptionObject, type FakeStripe } from '../../support/fake-stripe.js';

const HOST = '127.0.0.83';
const log = createLogger('billing-test', 'silent');

describe('billing with Stripe (a local Stripe API on loopback)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM;
  let fake: FakeStripe;
  let stripe: StripeBilling;
  /** Clients that exist, per account (what the clients module's service would answer). */
  const clients = new Map<string, string>();

  const deps = (withStripe = true): BillingDeps => ({
    catalog: planCatalog(),
    defaultTier: 'trial',
    stripe: withStripe ? stripe : null,
    clients: async (tenant, id) => (clients.get(id) === tenant.accountId && (!tenant.clientId || tenant.clientId === id) ? { id, accountId: tenant.accountId } : null),
    log,
  });
  const identity = (accountId: string, clientId: string | null, scopes: readonly string[] = SCOPES): Identity => ({
    accountId,
    clientId,
    scopes: [...scopes],
    credentialId: uuidv7(),
    credentialHash: 'test',
  });
  const webhook = () => new StripeWebhookService(orm, stripe, 'trial', log);
  const deliver = (type: string, object: Record<string, unknown>, opts: { id?: string; created?: number } = {}) => {
    const e = signedEvent(type, object, opts);
    return webhook().handle(stripe.client.webhooks.constructEvent(e.payload, e.signature, stripe.settings.webhookSecret));
  };
  const planOf = async (clientId: string) =>
    (await orm.em.getConnection().execute<{ tier: string; stripe_subscription_id: string | null; subscription_status: string | null; period_start: Date | null; period_end: Date | null }[]>(
      'select tier, stripe_subscription_id, subscription_status, period_start, period_end from billing.client_plan where client_id = ?',
      [clientId],
    ))[0]!;
  const changesOf = async (clientId: string) =>
    orm.em.getConnection().execute<{ from_tier: string; to_tier: string; reason: string }[]>('select from_tier, to_tier, reason from billing.plan_change where client_id = ? order by created_at, id', [clientId]);
  const newClient = () => {
    const accountId = uuidv7();
    const clientId = uuidv7();
    clients.set(clientId, accountId);
    return { accountId, clientId };
  };
  /** A paid subscription of `clientId` known to the fake Stripe. */
  const subscribe = (c: { accountId: string; clientId: string }, price: string, start: number) => {
    const sub = { id: `sub_${uuidv7().replaceAll('-', '')}`, customer: `cus_${uuidv7().slice(0, 8)}`, status: 'active', price, periodStart: start, periodEnd: start + 30 * 86_400, metadata: { fixfirst_client_id: c.clientId, fixfirst_account_id: c.accountId } };
    fake.subscriptions.set(sub.id, sub);
    return sub;
  };

  beforeAll(async () => {
    db = await createTestDatabase('stripe_billing');
    orm = await openModuleOrm(billingDb, { url: db.url, poolMax: 10 });
    fake = await startFakeStripe(HOST);
    const settings = stripeSettingsFromEnv(stripeEnv.parse(stripeTestEnv(fake.url)))!;
    stripe = { settings, client: createStripeClient(settings) };
  });
  afterAll(async () => {
    await fake?.close();
    await orm?.close();
    await db?.drop();
  });

  it('creates a subscription Checkout Session through the SDK with the configured price, our client and account', async () => {
    const c = newClient();
    const before = fake.calls.length;
    const session = await new CheckoutService(orm.em.fork(), identity(c.accountId, null), deps()).create({ tier: 'professional', email: 'user@company.com', name: 'John Smith', clientId: c.clientId });
    expect(session.sessionId).toMatch(/^cs_test_/);
    expect(session.url).toBe(`https://checkout.stripe.com/c/pay/${session.sessionId}`);
    expect(session.expiresAt.getTime()).toBeGreaterThan(Date.now());
    const call = fake.calls.slice(before).find((x) => x.path === '/v1/checkout/sessions')!;
    expect(call.method).toBe('POST');
    // The real SDK path: its secret key, its pinned API version and a retry-safe idempotency key.
    expect(call.authorization).toBe(`Bearer ${stripe.settings.secretKey}`);
    expect(call.stripeVersion).toBe(Stripe.API_VERSION);
    expect(call.idempotencyKey).toMatch(/\S{8,}/);
    expect(call.form).toMatchObject({
      mode: 'subscription',
      'line_items[0][price]': 'price_test_professional',
      'line_items[0][quantity]': '1',
      client_reference_id: c.clientId,
      customer_email: 'user@company.com',
      'metadata[fixfirst_client_id]': c.clientId,
      'metadata[fixfirst_account_id]': c.accountId,
      'metadata[fixfirst_tier]': 'professional',
      'subscription_data[metadata][fixfirst_client_id]': c.clientId,
      success_url: stripe.settings.successUrl,
      cancel_url: stripe.settings.cancelUrl,
    });
    // Nothing changes before Stripe reports the payment.
    expect((await planOf(c.clientId)).tier).toBe('trial');
  });

  it('buys for a client credential\'s own client and refuses what it may not', async () => {
    const c = newClient();
    const other = newClient();
    const own = await new CheckoutService(orm.em.fork(), identity(c.accountId, c.clientId), deps()).create({ tier: 'starter', email: 'a@b.example' });
    expect(own.clientId).toBe(c.clientId);
    const code = (p: Promise<unknown>) => p.then(() => 'OK', (e: { extensions?: { code?: string } }) => e.extensions?.code);
    expect(await code(new CheckoutService(orm.em.fork(), identity(c.accountId, null), deps()).create({ tier: 'starter', email: 'a@b.example' }))).toBe('BAD_USER_INPUT');
    expect(await code(new CheckoutService(orm.em.fork(), identity(c.accountId, null), deps()).create({ tier: 'starter', email: 'a@b.example', clientId: other.clientId }))).toBe('NOT_FOUND');
    expect(await code(new CheckoutService(orm.em.fork(), identity(c.accountId, c.clientId), deps()).create({ tier: 'starter', email: 'a@b.example', clientId: other.clientId }))).toBe('NOT_FOUND');
    expect(await code(new CheckoutService(orm.em.fork(), identity(c.accountId, null, ['scans:read']), deps()).create({ tier: 'starter', email: 'a@b.example', clientId: c.clientId }))).toBe('FORBIDDEN');
    expect(await code(new CheckoutService(orm.em.fork(), identity(c.accountId, null), deps()).create({ tier: 'trial', email: 'a@b.example', clientId: c.clientId }))).toBe('BAD_USER_INPUT');
    const unconfigured = await new CheckoutService(orm.em.fork(), identity(c.accountId, null), deps(false)).create({ tier: 'starter', email: 'a@b.example', clientId: c.clientId }).catch((e: Error & { extensions: Record<string, unknown> }) => e);
    expect(unconfigured).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
    expect((unconfigured as Error).message).toMatch(/STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET/);
  });

  it('activates the paid tier on checkout.session.completed once, however often and concurrently it is delivered, in the paid period', async () => {
    const c = newClient();
    const start = Math.floor(Date.now() / 1000) - 3 * 86_400;
    const sub = subscribe(c, 'price_test_professional', start);
    const event = signedEvent('checkout.session.completed', completedSession({ ...c, tier: 'professional', subscription: sub.id, customer: sub.customer }));
    const parsed = () => stripe.client.webhooks.constructEvent(event.payload, event.signature, stripe.settings.webhookSecret);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => webhook().handle(parsed())));
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect((await webhook().handle(parsed())).outcome).toBe('duplicate');
    expect(await changesOf(c.clientId)).toEqual([{ from_tier: 'trial', to_tier: 'professional', reason: 'checkout_completed' }]);
    const plan = await planOf(c.clientId);
    expect(plan).toMatchObject({ tier: 'professional', stripe_subscription_id: sub.id, subscription_status: 'active' });
    const usage = await new QuotaService(orm.em.fork(), planCatalog(), 'trial').usage({ accountId: c.accountId, clientId: null }, c.clientId);
    expect(usage).toMatchObject({ limit: null, periodStart: new Date(start * 1000), periodEnd: new Date((start + 30 * 86_400) * 1000) });
  });

  it('applies one event once when concurrent deliveries all get past the quick "seen" check', async () => {
    const c = newClient();
    const sub = subscribe(c, 'price_test_enterprise', Math.floor(Date.now() / 1000));
    const update = updateFromSubscription(stripe.settings, subscriptionObject(sub) as unknown as Stripe.Subscription, 'subscription_updated')!;
    const ref = { id: `evt_test_${uuidv7()}`, type: 'customer.subscription.updated', created: new Date() };
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => new SubscriptionSyncService(orm.em.fork(), 'trial').apply(ref, update)));
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(await changesOf(c.clientId)).toEqual([{ from_tier: 'trial', to_tier: 'enterprise', reason: 'subscription_updated' }]);
  });

  it('follows subscription updates by price, ignores an older one delivered late, and downgrades to trial when deleted', async () => {
    const c = newClient();
    const start = Math.floor(Date.now() / 1000) - 86_400;
    const sub = subscribe(c, 'price_test_starter', start);
    const t0 = Math.floor(Date.now() / 1000);
    await deliver('checkout.session.completed', completedSession({ ...c, tier: 'starter', subscription: sub.id, customer: sub.customer }), { created: t0 });
    expect((await planOf(c.clientId)).tier).toBe('starter');
    const newer = subscriptionObject({ ...sub, price: 'price_test_enterprise' });
    const older = subscriptionObject({ ...sub, price: 'price_test_professional' });
    expect((await deliver('customer.subscription.updated', newer, { created: t0 + 20 })).outcome).toBe('applied');
    expect((await deliver('customer.subscription.updated', older, { created: t0 + 10 })).outcome).toBe('stale');
    expect((await planOf(c.clientId)).tier).toBe('enterprise');
    // past_due keeps the tier (Stripe is retrying the payment); unknown prices are not ours to act on.
    expect((await deliver('customer.subscription.updated', subscriptionObject({ ...sub, price: 'price_test_enterprise', status: 'past_due' }), { created: t0 + 30 })).outcome).toBe('applied');
    expect(await planOf(c.clientId)).toMatchObject({ tier: 'enterprise', subscription_status: 'past_due' });
    expect((await deliver('customer.subscription.updated', subscriptionObject({ ...sub, price: 'price_someone_else' }), { created: t0 + 35 })).outcome).toBe('ignored');
    expect((await deliver('customer.subscription.deleted', subscriptionObject({ ...sub, status: 'canceled' }), { created: t0 + 40 })).outcome).toBe('applied');
    expect(await planOf(c.clientId)).toMatchObject({ tier: 'trial', subscription_status: 'canceled', period_start: null, period_end: null });
    // An update sent before the deletion and delivered after it does not bring the paid tier back.
    expect((await deliver('customer.subscription.updated', newer, { created: t0 + 39 })).outcome).toBe('stale');
    expect((await planOf(c.clientId)).tier).toBe('trial');
    expect((await changesOf(c.clientId)).map((x) => `${x.from_tier}>${x.to_tier}:${x.reason}`)).toEqual([
      'trial>starter:checkout_completed',
      'starter>enterprise:subscription_updated',
      'enterprise>trial:subscription_deleted',
    ]);
  });

  it('answers 503 without Stripe\'s own message when Stripe refuses the session (a price that does not exist there)', async () => {
    const c = newClient();
    const wrong: StripeBilling = { ...stripe, settings: { ...stripe.settings, prices: { ...stripe.settings.prices, starter: 'price_deleted_in_stripe' } } };
    const before = fake.calls.length;
    const err = await new CheckoutService(orm.em.fork(), identity(c.accountId, null), { ...deps(), stripe: wrong })
      .create({ tier: 'starter', email: 'a@b.example', clientId: c.clientId })
      .catch((e: Error & { extensions: Record<string, unknown> }) => e);
    expect(err).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
    expect((err as Error).message).not.toMatch(/price_deleted_in_stripe|No such price/);
    // Stripe's 400 is final: the SDK parsed it as an error and did not retry it.
    expect(fake.calls.slice(before).filter((x) => x.path === '/v1/checkout/sessions')).toHaveLength(1);
  });

  it('activates the tier of the price Stripe charges, not the tier our metadata names', async () => {
    const c = newClient();
    const sub = subscribe(c, 'price_test_starter', Math.floor(Date.now() / 1000));
    const outcome = await deliver('checkout.session.completed', completedSession({ ...c, tier: 'enterprise', subscription: sub.id, customer: sub.customer }));
    expect(outcome.outcome).toBe('applied');
    expect((await planOf(c.clientId)).tier).toBe('starter');
    const other = newClient();
    const foreign = subscribe(other, 'price_not_sold_here', Math.floor(Date.now() / 1000));
    expect((await deliver('checkout.session.completed', completedSession({ ...other, tier: 'enterprise', subscription: foreign.id, customer: foreign.customer }))).outcome).toBe('ignored');
    // A price this deployment does not sell changes nothing (no plan row is even created).
    expect(await planOf(other.clientId)).toBeUndefined();
  });

  it('refuses a late event of a replaced subscription, so the new one\'s end still downgrades', async () => {
    const c = newClient();
    const t0 = Math.floor(Date.now() / 1000);
    const first = subscribe(c, 'price_test_starter', t0);
    await deliver('checkout.session.completed', completedSession({ ...c, tier: 'starter', subscription: first.id, customer: first.customer }), { created: t0 });
    await deliver('customer.subscription.deleted', subscriptionObject({ ...first, status: 'canceled' }), { created: t0 + 10 });
    const second = subscribe(c, 'price_test_professional', t0 + 20);
    await deliver('checkout.session.completed', completedSession({ ...c, tier: 'professional', subscription: second.id, customer: second.customer }), { created: t0 + 20 });
    // An update of the first subscription, sent while it was still active, delivered only now.
    expect((await deliver('customer.subscription.updated', subscriptionObject(first), { created: t0 + 5 })).outcome).toBe('stale');
    expect(await planOf(c.clientId)).toMatchObject({ tier: 'professional', stripe_subscription_id: second.id });
    expect((await deliver('customer.subscription.deleted', subscriptionObject({ ...second, status: 'canceled' }), { created: t0 + 30 })).outcome).toBe('applied');
    expect((await planOf(c.clientId)).tier).toBe('trial');
  });

  it('downgrades on an unpaid subscription and never lets another subscription\'s end touch the current one', async () => {
    const c = newClient();
    const t0 = Math.floor(Date.now() / 1000);
    const first = subscribe(c, 'price_test_starter', t0);
    await deliver('checkout.session.completed', completedSession({ ...c, tier: 'starter', subscription: first.id, customer: first.customer }), { created: t0 });
    await deliver('customer.subscription.updated', subscriptionObject({ ...first, status: 'unpaid' }), { created: t0 + 5 });
    expect((await planOf(c.clientId)).tier).toBe('trial');
    const second = subscribe(c, 'price_test_professional', t0);
    await deliver('checkout.session.completed', completedSession({ ...c, tier: 'professional', subscription: second.id, customer: second.customer }), { created: t0 + 10 });
    expect((await planOf(c.clientId)).tier).toBe('professional');
    expect((await deliver('customer.subscription.deleted', subscriptionObject({ ...first, status: 'canceled' }), { created: t0 + 20 })).outcome).toBe('stale');
    expect(await planOf(c.clientId)).toMatchObject({ tier: 'professional', stripe_subscription_id: second.id });
    // A second checkout while a subscription is active would bill twice.
    const again = await new CheckoutService(orm.em.fork(), identity(c.accountId, null), deps()).create({ tier: 'enterprise', email: 'a@b.example', clientId: c.clientId }).catch((e: { extensions: { code: string } }) => e.extensions.code);
    expect(again).toBe('CONFLICT');
  });

  it('refuses a bad signature before anything is read, and ignores events of types it does not handle', async () => {
    const c = newClient();
    const sub = subscribe(c, 'price_test_enterprise', Math.floor(Date.now() / 1000));
    const e = signedEvent('checkout.session.completed', completedSession({ ...c, tier: 'enterprise', subscription: sub.id, customer: sub.customer }), { secret: 'whsec_not_ours' });
    expect(() => stripe.client.webhooks.constructEvent(e.payload, e.signature, stripe.settings.webhookSecret)).toThrow(Stripe.errors.StripeSignatureVerificationError);
    const good = signedEvent('checkout.session.completed', completedSession({ ...c, tier: 'enterprise', subscription: sub.id, customer: sub.customer }));
    expect(() => stripe.client.webhooks.constructEvent(good.payload.replace('"paid"', '"unpaid"'), good.signature, stripe.settings.webhookSecret)).toThrow(/signature/i);
    expect((await deliver('invoice.paid', { id: 'in_1', object: 'invoice' })).outcome).toBe('ignored');
    expect(await changesOf(c.clientId)).toEqual([]);
  });
});
