import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import { FindingsClientRefType } from './clients-affected.type.js';
import { FindingType } from './finding.type.js';

export enum FindingChangeReasonEnum {
  KEV_ADDED = 'KEV_ADDED',
  KEV_REMOVED = 'KEV_REMOVED',
  EPSS_CHANGED = 'EPSS_CHANGED',
  SCORE_CHANGED = 'SCORE_CHANGED',
}
registerEnumType(FindingChangeReasonEnum, {
  name: 'FindingChangeReason',
  description: 'What a feed update changed: KEV membership, EPSS (by at least 0.01 since last reported), or the fixfirst score.',
});

/** A feed update changed what is known about an unfixed finding; no rescan was needed. */
@ObjectType('FindingChange')
export class FindingChangeType {
  @Field(() => String, { description: 'Position in the stream of changes: pass it as `after` to resume from here.' })
  cursor!: string;

  @Field(() => FindingType, { description: 'The finding as it is now (its latest sighting).' })
  finding!: FindingType;

  @Field(() => FindingsClientRefType)
  client!: FindingsClientRefType;

  @Field(() => String, { description: 'The feed whose update caused it: kev or epss.' })
  feed!: string;

  @Field(() => [FindingChangeReasonEnum])
  reasons!: FindingChangeReasonEnum[];

  @Field(() => Boolean)
  kevBefore!: boolean;

  @Field(() => Boolean)
  kevAfter!: boolean;

  @Field(() => Float, { nullable: true })
  epssBefore!: number | null;

  @Field(() => Float, { nullable: true })
  epssAfter!: number | null;

  @Field(() => Float)
  scoreBefore!: number;

  @Field(() => Float)
  scoreAfter!: number;

  @Field(() => Date, { description: 'When the feed update was loaded.' })
  at!: Date;
}
