import { Field, ID, ObjectType } from 'type-graphql';
import { PaidTierEnum } from './checkout.input.js';

/** A Stripe Checkout Session: send the payer to `url`; the tier activates when Stripe reports the payment. */
@ObjectType('CheckoutSession')
export class CheckoutSessionType {
  @Field(() => String, { description: 'Stripe-hosted payment page.' })
  url!: string;

  @Field(() => ID, { description: "Stripe's id of the session (cs_...)." })
  sessionId!: string;

  @Field(() => Date, { description: 'When the payment page stops working.' })
  expiresAt!: Date;

  @Field(() => PaidTierEnum)
  tier!: PaidTierEnum;

  @Field(() => ID)
  clientId!: string;
}
