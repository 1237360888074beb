import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ClientRefType } from '../scan/scan.type.js';

export enum VerificationMethodEnum {
  DNS = 'DNS',
  HTTP = 'HTTP',
}
registerEnumType(VerificationMethodEnum, {
  name: 'VerificationMethod',
  description: 'DNS: a TXT record at _fixfirst.<domain> (covers the domain and its subdomains). HTTP: the well-known file on the domain itself (covers that host only).',
});

export enum AuthorisationSourceEnum {
  REQUEST = 'REQUEST',
  SCHEDULE = 'SCHEDULE',
}
registerEnumType(AuthorisationSourceEnum, { name: 'AuthorisationSource', description: "REQUEST: given with createScan; SCHEDULE: a schedule's standing authorisation." });

export enum OwnershipEvidenceEnum {
  DOMAIN = 'DOMAIN',
  ATTESTATION = 'ATTESTATION',
}
registerEnumType(OwnershipEvidenceEnum, { name: 'OwnershipEvidence', description: 'What proved the target is the client\'s: a verified domain or an attested IP/CIDR.' });

/** How to prove control of a domain: either one will do. */
@ObjectType('DomainVerificationInstructions')
export class DomainVerificationInstructionsType {
  @Field(() => String, { description: 'Name of the TXT record to publish, e.g. _fixfirst.example.com.' })
  dnsRecordName!: string;

  @Field(() => String)
  dnsRecordType!: string;

  @Field(() => String, { description: 'Value of the TXT record: fixfirst-verification=<token>.' })
  dnsRecordValue!: string;

  @Field(() => [String], { description: 'Where the well-known file is looked for, in order (https first; http only where the operator allows it). Redirects are not followed.' })
  httpUrls!: string[];

  @Field(() => String, { description: 'Content of the file: the token on a line of its own.' })
  httpFileContent!: string;
}

/** A domain a client claims, and whether (and how) it proved control of it. */
@ObjectType('TargetDomain')
export class TargetDomainType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  domain!: string;

  @Field(() => ClientRefType)
  client!: ClientRefType;

  @Field(() => Boolean, { description: 'Verified and not expired: active scans of it (and, for DNS, its subdomains) may run.' })
  verified!: boolean;

  @Field(() => VerificationMethodEnum, { nullable: true })
  method!: VerificationMethodEnum | null;

  @Field(() => Date, { nullable: true, description: 'When control was last proven.' })
  verifiedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'After this, the domain must be verified again.' })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastCheckedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the latest check failed.' })
  lastError!: string | null;

  @Field(() => Boolean, { description: 'Whether the verification also covers subdomains (DNS only).' })
  coversSubdomains!: boolean;

  @Field(() => String, { description: "This client's token for this domain." })
  token!: string;

  @Field(() => DomainVerificationInstructionsType)
  instructions!: DomainVerificationInstructionsType;

  @Field(() => Date)
  createdAt!: Date;
}

/** The outcome of verifyDomain. */
@ObjectType('DomainVerificationResult')
export class DomainVerificationResultType {
  @Field(() => Boolean, { description: 'Whether this check found the token.' })
  verified!: boolean;

  @Field(() => String, { nullable: true, description: 'Why it did not.' })
  reason!: string | null;

  @Field(() => TargetDomainType)
  domain!: TargetDomainType;
}

/** A caller's statement that an IP or CIDR is theirs to test, with who made it, when and from where. */
@ObjectType('TargetAttestation')
export class TargetAttestationType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'The attested range (a single address as /32 or /128).' })
  target!: string;

  @Field(() => ClientRefType)
  client!: ClientRefType;

  @Field(() => String)
  statement!: string;

  @Field(() => String, { description: 'Credential that made the attestation.' })
  createdBy!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => String, { nullable: true })
  sourceIp!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field(() => Date, { nullable: true, description: 'Set once revoked: it no longer covers new scans.' })
  revokedAt!: Date | null;
}

/** The ownership proof an active scan relied on, as it stood when the scan was created. */
@ObjectType('OwnershipProof')
export class OwnershipProofType {
  @Field(() => OwnershipEvidenceEnum)
  kind!: OwnershipEvidenceEnum;

  @Field(() => ID, { nullable: true })
  domainId!: string | null;

  @Field(() => String, { nullable: true })
  domain!: string | null;

  @Field(() => VerificationMethodEnum, { nullable: true })
  method!: VerificationMethodEnum | null;

  @Field(() => Date, { nullable: true })
  verifiedAt!: Date | null;

  @Field(() => ID, { nullable: true })
  attestationId!: string | null;

  @Field(() => String, { nullable: true })
  attestedTarget!: string | null;
}

/** The immutable authorisation record of an active scan (append-only in the database). */
@ObjectType('ScanAuthorisation')
export class ScanAuthorisationType {
  @Field(() => Boolean)
  authorised!: boolean;

  @Field(() => String, { nullable: true, description: 'Who authorised the scan, as the caller named them.' })
  authorisedBy!: string | null;

  @Field(() => String, { description: 'The statement accepted, verbatim.' })
  statement!: string;

  @Field(() => AuthorisationSourceEnum)
  source!: AuthorisationSourceEnum;

  @Field(() => String, { nullable: true, description: "The schedule's id, for a SCHEDULE authorisation." })
  sourceId!: string | null;

  @Field(() => String)
  target!: string;

  @Field(() => String, { description: 'Credential that created the scan.' })
  createdBy!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => String, { nullable: true })
  sourceIp!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field(() => OwnershipProofType)
  proof!: OwnershipProofType;
}
