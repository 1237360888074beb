/**
 * Where Stripe delivers events: on the billing subgraph's own port, and on the REST adapter's
 * public port, which relays the raw body and Stripe-Signature here. Kept apart so importing it
 * loads neither Express nor the Stripe SDK.
 */
export const BILLING_WEBHOOK_PATH = '/billing/webhook';
