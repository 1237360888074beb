import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { BillingContext } from '../context.js';
import { CreateCheckoutSessionInput, PaidTierEnum } from './checkout.input.js';
import { CheckoutSessionType } from './checkout.type.js';

@Resolver(() => CheckoutSessionType)
export class CheckoutResolver {
  @Mutation(() => CheckoutSessionType, {
    description:
      'A Stripe Checkout Session (subscription) for a paid tier; the tier activates when Stripe reports the payment to /billing/webhook (billing:admin). SERVICE_UNAVAILABLE when Stripe is not configured.',
  })
  async createCheckoutSession(@Arg('input', () => CreateCheckoutSessionInput) input: CreateCheckoutSessionInput, @Ctx() ctx: BillingContext): Promise<CheckoutSessionType> {
    const s = await ctx.checkout.create(input);
    return Object.assign(new CheckoutSessionType(), { ...s, tier: s.tier as PaidTierEnum });
  }
}
