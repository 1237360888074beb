import { Field, ID, Int, ObjectType } from 'type-graphql';
import { TierEnum } from './client-tier.enum.js';
import { ClientType } from './client.type.js';

/** registerClient's answer: the only time the client token is ever shown. */
@ObjectType('RegisteredClient')
export class RegisteredClientType {
  @Field(() => ID)
  clientId!: string;

  @Field(() => ClientType)
  client!: ClientType;

  @Field(() => String, { description: 'A JWT for this client alone (Authorization: Bearer). Shown once.' })
  token!: string;

  @Field(() => String, { description: "The token's id, to revoke it with revokeClientToken(jti)." })
  jti!: string;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => TierEnum)
  tier!: TierEnum;

  @Field(() => Int, { nullable: true, description: "Scans the tier allows per period; null means unlimited." })
  scanLimit!: number | null;
}
