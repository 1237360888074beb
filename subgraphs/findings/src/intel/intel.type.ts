import { Field, Int, ObjectType } from 'type-graphql';

/** One threat-intelligence feed as loaded: which version is in force and since when. */
@ObjectType('IntelFeedStatus')
export class IntelFeedStatusType {
  @Field(() => String, { description: 'kev, epss, attack, d3fend, attack-d3fend or cwe' })
  feed!: string;

  @Field(() => String, { description: "The feed's own version (KEV catalogVersion, EPSS model version, ATT&CK release…)." })
  version!: string;

  @Field(() => String, { nullable: true, description: 'The date of the data, as the feed states it.' })
  dataDate!: string | null;

  @Field(() => Int)
  records!: number;

  @Field(() => String, { description: 'The file or URL it was loaded from.' })
  source!: string;

  @Field(() => String)
  sha256!: string;

  @Field(() => Date)
  loadedAt!: Date;
}
