import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The findings subgraph's part of Scan: its findings and their summary. */
@ObjectType('Scan')
@Directive('@key(fields: "id")')
export class ScanFindingsType {
  @Field(() => ID)
  id!: string;
}
