import { Field, Float, ID, InputType, registerEnumType } from 'type-graphql';
import { FindingStatusEnum } from './finding-remediation.type.js';
import { SeverityEnum } from './finding.type.js';

/** Filters for the findings list; all optional, combined with AND. */
@InputType('FindingFilter')
export class FindingFilterInput {
  @Field(() => ID, { nullable: true })
  scanId?: string | null;

  @Field(() => ID, { nullable: true })
  clientId?: string | null;

  @Field(() => [SeverityEnum], { nullable: true })
  severities?: SeverityEnum[] | null;

  @Field(() => String, { nullable: true })
  checkId?: string | null;

  @Field(() => Date, { nullable: true, description: 'Only findings created at or after this instant.' })
  since?: Date | null;

  @Field(() => String, { nullable: true, description: 'Only findings about this CVE (e.g. CVE-2021-41773).' })
  cve?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true: only findings with a CVE in CISA KEV; false: only those without.' })
  kev?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Only findings whose target is this URL, host or address, or starts with it.' })
  target?: string | null;

  @Field(() => [FindingStatusEnum], { nullable: true, description: 'Only findings whose problem has one of these statuses now.' })
  statuses?: FindingStatusEnum[] | null;

  @Field(() => Float, { nullable: true, description: 'Only findings whose fixfirst score is at least this (0-10).' })
  minScore?: number | null;
}

export enum FindingOrderEnum {
  NEWEST = 'NEWEST',
  SCORE = 'SCORE',
}
registerEnumType(FindingOrderEnum, { name: 'FindingOrder', description: 'NEWEST: by creation, newest first; SCORE: by fixfirst score, worst first.' })
