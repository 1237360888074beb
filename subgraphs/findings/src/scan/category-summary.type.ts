import { Field, Int, ObjectType } from 'type-graphql';

/** Findings of one check category (the check id's prefix, e.g. `headers`) counted by severity. */
@ObjectType('CategoryFindingsSummary')
export class CategoryFindingsSummaryType {
  @Field(() => String, { description: 'The check category, e.g. headers, tls, secrets.' })
  category!: string;

  @Field(() => Int) total!: number;
  @Field(() => Int) critical!: number;
  @Field(() => Int) high!: number;
  @Field(() => Int) medium!: number;
  @Field(() => Int) low!: number;
  @Field(() => Int) info!: number;
}
