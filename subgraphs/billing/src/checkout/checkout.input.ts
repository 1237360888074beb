import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { z } from 'zod';
import { PAID_TIERS } from '../stripe/stripe-env.js';

/** The tiers sold through Stripe Checkout (values are billing's tier ids). */
export enum PaidTierEnum {
  STARTER = 'starter',
  PROFESSIONAL = 'professional',
  ENTERPRISE = 'enterprise',
}
registerEnumType(PaidTierEnum, { name: 'PaidTier', description: 'A tier sold through Stripe: starter, professional or enterprise.' });

/** createCheckoutSession's input, validated in the service. */
export const checkoutSchema = z.object({
  tier: z.enum(PAID_TIERS, { message: 'must be starter, professional or enterprise' }),
  email: z.email('must be an email address').max(320, 'must be at most 320 characters'),
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').nullish().transform((v) => v ?? null),
  clientId: z.uuid('must be a client id').nullish().transform((v) => v ?? null),
});
export type CheckoutArgs = z.infer<typeof checkoutSchema>;

@InputType('CreateCheckoutSessionInput')
export class CreateCheckoutSessionInput {
  @Field(() => PaidTierEnum)
  tier!: PaidTierEnum;

  @Field(() => String, { description: 'The payer\'s email; Checkout pre-fills it and Stripe sends receipts there.' })
  email!: string;

  @Field(() => String, { nullable: true, description: 'Who is buying (kept in the session\'s metadata).' })
  name?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The client the plan is for. A client-scoped credential buys for its own client (leave it out); an account-wide one must name it.',
  })
  clientId?: string | null;
}
