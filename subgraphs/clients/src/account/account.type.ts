import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The platform's customer (an MSP or a company). */
@ObjectType('Account')
@Directive('@key(fields: "id")')
export class AccountType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Date)
  createdAt!: Date;
}
