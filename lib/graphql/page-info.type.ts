import { Directive, Field, ObjectType } from 'type-graphql';

/** Relay PageInfo; identical in every subgraph, hence shareable. */
@ObjectType('PageInfo')
@Directive('@shareable')
export class PageInfoType {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}
