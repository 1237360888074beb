import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

/** The findings subgraph's stub of Client: resolved by the clients and billing subgraphs. */
@ObjectType('Client')
@Directive('@key(fields: "id", resolvable: false)')
export class FindingsClientRefType {
  @Field(() => ID)
  id!: string;
}

/** A client with findings matching a filter (e.g. a KEV finding, or a given CVE). */
@ObjectType('AffectedClient')
export class AffectedClientType {
  @Field(() => FindingsClientRefType)
  client!: FindingsClientRefType;

  @Field(() => Int, { description: 'Its findings that match.' })
  findings!: number;

  @Field(() => Date, { description: 'When the newest of them was found.' })
  lastFoundAt!: Date;
}
