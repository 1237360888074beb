import { Field, ID, InputType } from 'type-graphql';

/** A domain to claim for a client. */
@InputType('AddDomainInput')
export class AddDomainInput {
  @Field(() => String, { description: 'A domain name, e.g. example.com (IDN allowed).' })
  domain!: string;

  @Field(() => ID, { nullable: true, description: "The client it belongs to; default: the credential's client, or the account's default client." })
  clientId?: string | null;
}

/** An IP or CIDR the caller states is theirs to test. */
@InputType('AttestTargetInput')
export class AttestTargetInput {
  @Field(() => String, { description: 'An IP address or CIDR range (no larger than a scan target may be).' })
  target!: string;

  @Field(() => String, { description: 'The statement, recorded verbatim (e.g. "These addresses are ours; we authorise testing").' })
  statement!: string;

  @Field(() => ID, { nullable: true })
  clientId?: string | null;
}

/** The caller's confirmation that an active scan is permitted (Fix First's `authorised`, `authorised_by`). */
@InputType('ScanAuthorisationInput')
export class ScanAuthorisationInput {
  @Field(() => Boolean, { description: 'Must be true: confirms permission to test the target.' })
  authorised!: boolean;

  @Field(() => String, { nullable: true, description: 'Who authorised the scan (a person, a ticket).' })
  authorisedBy?: string | null;

  @Field(() => String, { nullable: true, description: 'The statement accepted; a default text is recorded when omitted.' })
  statement?: string | null;
}
