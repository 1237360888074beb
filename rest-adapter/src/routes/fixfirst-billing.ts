import { z } from 'zod';
import type { RouteDef } from '../route.js';
import { route } from '../route.js';
import { BODY_ERRORS, COMMON_ERRORS, lower, withRestFields } from './shared.js';

const PAID_TIERS = ['starter', 'professional', 'enterprise'] as const;

const checkoutBody = z.object({
  tier: z.enum(PAID_TIERS).describe('starter | professional | enterprise.'),
  email: z.email().max(320).describe('The payer\'s email: Checkout pre-fills it and Stripe sends receipts there.'),
  name: z.string().min(1).max(200).nullish().describe('Who is buying (kept in the session\'s metadata).'),
  client_id: z
    .uuid()
    .nullish()
    .describe(
      'Extension: the client the plan is for. Leave it out with a client\'s credential (its client JWT as Authorization: Bearer beside x-api-key, or a key limited to the client); an account-wide key alone must name it.',
    ),
});
type CheckoutBody = z.infer<typeof checkoutBody>;

const checkoutSchema = z.object({
  checkout_url: z.string().describe('Stripe\'s payment page: redirect the user here.'),
  session_id: z.string().describe('Stripe\'s Checkout Session id (cs_...).'),
  expires_at: z.iso.datetime().describe('When the payment page stops working.'),
  tier: z.enum(PAID_TIERS),
  client_id: z.string().describe('The client the tier activates for.'),
});

interface CheckoutData {
  createCheckoutSession: { url: string; sessionId: string; expiresAt: string; tier: Uppercase<(typeof PAID_TIERS)[number]>; clientId: string };
}

const checkoutRoute = route<unknown, unknown, CheckoutBody, z.infer<typeof checkoutSchema>>({
  operationId: 'fixfirstCreateCheckout',
  dialect: 'fixfirst',
  method: 'post',
  path: '/billing/checkout',
  summary: 'Create Stripe checkout session',
  description:
    'Create a Stripe checkout session for a subscription. Returns a checkout URL — redirect the user to this URL to complete payment. Tier activates automatically on payment (Stripe reports it to POST /billing/webhook; GET /clients/me then shows the tier and the paid billing period). Needs the billing:admin scope, which client tokens alone never hold: the account pays. Without Stripe settings on the deployment: 503 service_unavailable naming STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET. A client that already has an active subscription is 409 conflict; a client_id of another account is 404 not_found.',
  tags: ['Fix First: Billing'],
  auth: 'fixfirst',
  body: checkoutBody,
  requestExample: { tier: 'professional', email: 'user@company.com', name: 'John Smith' },
  success: {
    status: 200,
    description: 'The session: send the user to checkout_url.',
    schema: checkoutSchema,
    example: { checkout_url: 'https://checkout.stripe.com/c/pay/cs_test_a1b2c3', session_id: 'cs_test_a1b2c3', expires_at: '2026-05-08T10:00:00Z', tier: 'professional', client_id: 'uuid' },
  },
  errors: [...BODY_ERRORS, ...COMMON_ERRORS, 'forbidden', 'not_found'],
  operations: ['CreateCheckoutSession'],
  handle: async ({ body }, ctx) => {
    const input = {
      tier: body.tier.toUpperCase(),
      email: body.email,
      ...(body.name ? { name: body.name } : {}),
      ...(body.client_id ? { clientId: body.client_id } : {}),
    };
    const fields = { tier: 'tier', email: 'email', name: 'name', clientId: 'client_id' };
    const data = await withRestFields(fields, () => ctx.graphql<CheckoutData>('CreateCheckoutSession', { input }));
    const s = data.createCheckoutSession;
    return { checkout_url: s.url, session_id: s.sessionId, expires_at: s.expiresAt, tier: lower(s.tier), client_id: s.clientId };
  },
});

/** The Fix First dialect's billing routes (the Stripe webhook is relayed raw, outside this table: billing-webhook-proxy.ts). */
export const fixfirstBillingRoutes: RouteDef[] = [checkoutRoute];
