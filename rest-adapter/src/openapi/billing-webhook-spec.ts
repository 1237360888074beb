import type { PathItemObject } from 'openapi3-ts/oas31';
import { BILLING_WEBHOOK_PATH } from '../billing-webhook-proxy.js';
import { errorSchemaName } from './error-schemas.js';

const errorRef = (name: 'invalid_input' | 'internal_error' | 'service_unavailable' | 'payload_too_large') => ({
  'application/json': { schema: { $ref: `#/components/schemas/${errorSchemaName(name)}` } },
});

/**
 * Paths the adapter relays rather than maps onto GraphQL, documented beside the route table's:
 * Stripe's webhook (billing-webhook-proxy.ts). It takes no credential; Stripe's signature is it.
 */
export const RELAYED_PATHS: Record<string, PathItemObject> = {
  [BILLING_WEBHOOK_PATH]: {
    post: {
      operationId: 'stripeWebhook',
      summary: 'Stripe webhook (give this URL to Stripe)',
      description: [
        'Where Stripe delivers billing events: register `https://<your REST host>/billing/webhook` as a webhook endpoint in the Stripe dashboard and set its signing secret as STRIPE_WEBHOOK_SECRET.',
        'No API key: the `Stripe-Signature` header over the raw body is the authentication (a missing, wrong or too old signature is `400 invalid_input` and changes nothing).',
        'Acts on `checkout.session.completed` (and `checkout.session.async_payment_succeeded`): the paid tier activates for the client named in the session; `customer.subscription.updated`: the tier follows the subscription\'s price (STRIPE_PRICE_*), active / trialing / past_due keep it, canceled / unpaid / incomplete_expired / paused fall back to trial; `customer.subscription.deleted`: back to trial. The paid period (current_period_start/end) becomes the client\'s billing period.',
        'Idempotent: each Stripe event id is processed once (a redelivery answers `outcome: duplicate`); an event older than the last one applied to the same client (of any of its subscriptions) answers `outcome: stale` and changes nothing. Other event types answer 200 `outcome: ignored`.',
        'Without STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET on the deployment: `503 service_unavailable`.',
      ].join('\n\n'),
      tags: ['Fix First: Billing'],
      security: [],
      parameters: [
        { name: 'Stripe-Signature', in: 'header', required: true, description: 'Set by Stripe: `t=<timestamp>,v1=<HMAC-SHA256 of "<timestamp>.<raw body>">`.', schema: { type: 'string' } },
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              description: 'A Stripe event, exactly as Stripe sent it (the signature covers these bytes).',
              properties: { id: { type: 'string' }, type: { type: 'string' }, created: { type: 'integer' }, data: { type: 'object' } },
              required: ['id', 'type'],
            },
          },
        },
      },
      responses: {
        '200': {
          description: 'Received (processed, or deliberately not acted on).',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  received: { type: 'boolean', const: true },
                  event_id: { type: 'string' },
                  type: { type: 'string' },
                  outcome: { type: 'string', enum: ['applied', 'duplicate', 'stale', 'ignored'] },
                },
                required: ['received', 'event_id', 'type', 'outcome'],
                additionalProperties: false,
              },
              example: { received: true, event_id: 'evt_1Q2w3E', type: 'checkout.session.completed', outcome: 'applied' },
            },
          },
        },
        '400': { description: '`invalid_input`: the Stripe-Signature is missing or does not verify.', content: errorRef('invalid_input') },
        '413': { description: '`payload_too_large`: larger than any Stripe event.', content: errorRef('payload_too_large') },
        '500': { description: '`internal_error`: processing failed; Stripe delivers the event again.', content: errorRef('internal_error') },
        '503': { description: '`service_unavailable`: billing is not configured (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET) or unreachable.', content: errorRef('service_unavailable') },
      },
    },
  },
};
