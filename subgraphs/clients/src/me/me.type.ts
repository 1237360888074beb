import { Field, ID, ObjectType } from 'type-graphql';
import { AccountType } from '../account/account.type.js';
import { ClientType } from '../client/client.type.js';

/** The caller as the gateway authenticated it. */
@ObjectType('Me')
export class MeType {
  @Field(() => AccountType)
  account!: AccountType;

  @Field(() => ClientType, { nullable: true, description: 'Set when the credential is limited to one client.' })
  client!: ClientType | null;

  @Field(() => [String])
  scopes!: string[];

  @Field(() => ID, { description: 'Id of the credential used for this request.' })
  credentialId!: string;
}
