import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { PlanType, UsageType } from './plan.type.js';

/** Billing's view of a client: its plan and usage. */
@ObjectType('Client')
@Directive('@key(fields: "id")')
export class ClientBillingType {
  @Field(() => ID)
  id!: string;

  @Field(() => PlanType)
  plan!: PlanType;

  @Field(() => UsageType)
  usage!: UsageType;
}
