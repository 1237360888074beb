import { Field, Int, ObjectType } from 'type-graphql';
import { FindingType } from './finding.type.js';
import { PageInfoType } from '../../../../lib/graphql/page-info.type.js';

@ObjectType('FindingEdge')
export class FindingEdgeType {
  @Field(() => String)
  cursor!: string;

  @Field(() => FindingType)
  node!: FindingType;
}

/** Relay-style page of findings, newest first. */
@ObjectType('FindingConnection')
export class FindingConnectionType {
  @Field(() => [FindingEdgeType])
  edges!: FindingEdgeType[];

  @Field(() => PageInfoType)
  pageInfo!: PageInfoType;
}

/** Count of findings per severity. */
@ObjectType('FindingsSummary')
export class FindingsSummaryType {
  @Field(() => Int) total!: number;
  @Field(() => Int) critical!: number;
  @Field(() => Int) high!: number;
  @Field(() => Int) medium!: number;
  @Field(() => Int) low!: number;
  @Field(() => Int) info!: number;
}
