import { buildFederatedSchema, type FederatedSchema } from '../../../lib/federation/build-subgraph.js';
import { CheckoutResolver } from './checkout/checkout.resolver.js';
import type { BillingContext } from './context.js';
import { ClientBillingType } from './plan/client-billing.type.js';
import { ClientBillingResolver, PlanResolver, resolveClientBilling } from './plan/plan.resolver.js';

/** The billing subgraph: the plan catalogue, on Client its plan and usage, and Stripe Checkout. */
export function buildBillingSchema(): Promise<FederatedSchema> {
  return buildFederatedSchema({
    resolvers: [PlanResolver, ClientBillingResolver, CheckoutResolver],
    // Entity extensions are reached only through _entities, so they must be named here.
    orphanedTypes: [ClientBillingType],
    references: {
      Client: (ref: { id: string }, ctx: BillingContext) => resolveClientBilling(ref, ctx),
    },
  });
}
