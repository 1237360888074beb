import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

/** The findings subgraph's part of Scan: its findings and their summary. */
@ObjectType('Scan')
@Directive('@key(fields: "id revision")')
export class ScanFindingsType {
  @Field(() => ID)
  id!: string;

  /**
   * Part of the key so each scanUpdated event is a new entity to the gateway: it caches entity
   * fetches per subscription by key, and with `id` alone would repeat the first event's findings
   * summary for the whole stream.
   */
  @Field(() => Int)
  revision!: number;
}
