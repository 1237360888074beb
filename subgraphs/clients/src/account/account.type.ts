import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** How the account's reports are white-labelled; each field null means the product default. */
@ObjectType('AccountBranding')
export class AccountBrandingType {
  @Field(() => String, { nullable: true, description: 'Name shown on report covers and headers instead of the account name (at most 120 characters).' })
  displayName!: string | null;

  @Field(() => String, { nullable: true, description: 'Logo as a data URL: data:image/png, image/jpeg or image/webp, base64, at most 200 KB decoded.' })
  logoDataUrl!: string | null;

  @Field(() => String, { nullable: true, description: 'Accent colour of the reports, #rrggbb.' })
  accentColor!: string | null;
}

/** The platform's customer (an MSP or a company). `branding` is resolved by AccountResolver. */
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
