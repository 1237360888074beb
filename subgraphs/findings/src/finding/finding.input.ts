import { Field, ID, InputType } from 'type-graphql';
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
}
