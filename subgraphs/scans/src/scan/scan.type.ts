import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfoType } from '../../../../lib/graphql/page-info.type.js';

export enum TargetTypeEnum {
  IP = 'IP',
  DOMAIN = 'DOMAIN',
  URL = 'URL',
  CIDR = 'CIDR',
}
export enum ScanProfileEnum {
  LIGHT = 'LIGHT',
  STANDARD = 'STANDARD',
  AGGRESSIVE = 'AGGRESSIVE',
}
export enum ScanModeEnum {
  PASSIVE = 'PASSIVE',
  ACTIVE = 'ACTIVE',
}
export enum ScanStatusEnum {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(TargetTypeEnum, { name: 'TargetType' });
registerEnumType(ScanProfileEnum, { name: 'ScanProfile' });
registerEnumType(ScanModeEnum, { name: 'ScanMode', description: 'PASSIVE reads what any visitor could; ACTIVE also probes.' });
registerEnumType(ScanStatusEnum, { name: 'ScanStatus' });

/** The scans subgraph's stub of Client: resolved by the clients and billing subgraphs. */
@ObjectType('Client')
@Directive('@key(fields: "id", resolvable: false)')
export class ClientRefType {
  @Field(() => ID)
  id!: string;
}

/** A scan of one target. */
@ObjectType('Scan')
@Directive('@key(fields: "id")')
export class ScanType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  target!: string;

  @Field(() => TargetTypeEnum)
  targetType!: TargetTypeEnum;

  @Field(() => ScanProfileEnum)
  profile!: ScanProfileEnum;

  @Field(() => ScanModeEnum)
  mode!: ScanModeEnum;

  @Field(() => ScanStatusEnum)
  status!: ScanStatusEnum;

  @Field(() => Int, { description: '0-100' })
  progress!: number;

  @Field(() => Int, { description: 'Counts state changes (1 when queued); each scanUpdated event carries a higher one.' })
  @Directive('@shareable')
  revision!: number;

  @Field(() => String, { nullable: true, description: 'Why the scan failed, in words.' })
  error!: string | null;

  @Field(() => String, { description: 'api, schedule or dashboard' })
  triggeredBy!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  completedAt!: Date | null;

  @Field(() => ClientRefType)
  client!: ClientRefType;
}

@ObjectType('ScanEdge')
export class ScanEdgeType {
  @Field(() => String)
  cursor!: string;

  @Field(() => ScanType)
  node!: ScanType;
}

/** Relay-style page of scans, newest first. */
@ObjectType('ScanConnection')
export class ScanConnectionType {
  @Field(() => [ScanEdgeType])
  edges!: ScanEdgeType[];

  @Field(() => PageInfoType)
  pageInfo!: PageInfoType;
}
