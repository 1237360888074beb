import { Field, ID, ObjectType } from 'type-graphql';
import { ClientType } from '../client/client.type.js';

/** An API key as listings show it: never its plaintext or hash, only the first characters. */
@ObjectType('ApiKey')
export class ApiKeyType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'The first characters of the key (prefix and four more), to recognise it.' })
  preview!: string;

  @Field(() => [String])
  scopes!: string[];

  @Field(() => ClientType, { nullable: true, description: 'Set when the key is limited to one client.' })
  client!: ClientType | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Last use, to within a minute.' })
  lastUsedAt!: Date | null;

  clientId!: string | null;
}

/** createApiKey's answer: the only time the key's plaintext is ever shown. */
@ObjectType('CreatedApiKey')
export class CreatedApiKeyType {
  @Field(() => String, { description: 'The key itself. Shown once: only its SHA-256 is stored.' })
  key!: string;

  @Field(() => ApiKeyType)
  apiKey!: ApiKeyType;
}
