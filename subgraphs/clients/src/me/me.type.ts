import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { AccountType } from '../account/account.type.js';
import { ClientType } from '../client/client.type.js';

/** What authenticated a request. An API key narrowed by a client token counts as the API key. */
export enum CredentialKindEnum {
  API_KEY = 'api_key',
  CLIENT_TOKEN = 'client_token',
}
registerEnumType(CredentialKindEnum, { name: 'CredentialKind' });

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

  @Field(() => CredentialKindEnum)
  credentialKind!: CredentialKindEnum;

  @Field(() => String, { nullable: true, description: "The API key's name; null for a client token." })
  keyName!: string | null;

  @Field(() => String, { nullable: true, description: "The API key's preview; null for a client token." })
  keyPreview!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the credential stops working; null: never.' })
  expiresAt!: Date | null;
}
