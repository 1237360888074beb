import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { AccountType } from '../account/account.type.js';

/** An organisation whose assets are scanned. */
@ObjectType('Client')
@Directive('@key(fields: "id")')
export class ClientType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => String, { nullable: true })
  company!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  /** Resolved by a field resolver from accountId. */
  @Field(() => AccountType)
  account!: AccountType;

  accountId!: string;
}
