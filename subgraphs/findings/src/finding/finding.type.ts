import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';

export enum SeverityEnum {
  CRITICAL = 'CRITICAL',
  HIGH = 'HIGH',
  MEDIUM = 'MEDIUM',
  LOW = 'LOW',
  INFO = 'INFO',
}
registerEnumType(SeverityEnum, { name: 'Severity' });

/** A validated finding. */
@ObjectType('Finding')
@Directive('@key(fields: "id")')
export class FindingType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  scanId!: string;

  @Field(() => String, { description: 'Stable check id, `<category>.<name>`.' })
  checkId!: string;

  @Field(() => SeverityEnum)
  severity!: SeverityEnum;

  @Field(() => String)
  title!: string;

  @Field(() => String)
  description!: string;

  @Field(() => GraphQLJSONObject, { description: 'What was observed (e.g. the response headers seen).' })
  evidence!: Record<string, unknown>;

  @Field(() => String)
  remediation!: string;

  @Field(() => String, { nullable: true })
  cweId!: string | null;

  @Field(() => String, { description: 'The URL or address the check tested.' })
  target!: string;

  @Field(() => String, { nullable: true, description: 'Where on the target: a header, a cookie, `file.js:12`, `6379/tcp`.' })
  location!: string | null;

  @Field(() => [String], { description: 'CVE ids the finding is about (known-vulnerable software).' })
  cveIds!: string[];

  @Field(() => String, { description: 'How sure the check is: CONFIRMED, FIRM or TENTATIVE.' })
  confidence!: string;

  @Field(() => String, { description: 'Stable identity of the problem (check, target, location), the same across scans.' })
  fingerprint!: string;

  @Field(() => Date)
  createdAt!: Date;

  /** The owning client (for lifecycle lookups; the client is reached through Scan.client). */
  clientId!: string;
}
