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
export enum ScanEventKindEnum {
  STATUS = 'STATUS',
  CHECK_STARTED = 'CHECK_STARTED',
  CHECK_FINISHED = 'CHECK_FINISHED',
  FINDING = 'FINDING',
}
registerEnumType(ScanEventKindEnum, {
  name: 'ScanEventKind',
  description: 'A state change, a probe starting or finishing on a host, or a finding just recorded.',
});

/** The scans subgraph's stub of Finding: resolved by the findings subgraph. */
@ObjectType('Finding')
@Directive('@key(fields: "id", resolvable: false)')
export class FindingRefType {
  @Field(() => ID)
  id!: string;
}

/** What a run did, once it ended. */
@ObjectType('ScanStats')
export class ScanStatsType {
  @Field(() => Int, { description: 'Hosts in the target (a CIDR expands to many).' })
  hosts!: number;

  @Field(() => Int, { description: 'Hosts that answered.' })
  hostsReachable!: number;

  @Field(() => Int, { description: 'HTTP requests sent (each redirect hop counts).' })
  requests!: number;

  @Field(() => Int)
  probesRun!: number;

  @Field(() => Int)
  probesFailed!: number;

  @Field(() => Int)
  findings!: number;

  @Field(() => Boolean, { description: 'The whole-scan deadline stopped probes that were still running.' })
  deadlineReached!: boolean;

  @Field(() => Boolean, { description: "The profile's request budget was spent; later requests were not sent." })
  budgetExhausted!: boolean;

  @Field(() => Int)
  durationMs!: number;

  @Field(() => [String], { description: 'Why hosts did not answer or probes failed (the first few).' })
  errors!: string[];
}

/** The step a scanUpdated event reports: which probe started or finished on which host. */
@ObjectType('ScanActivity')
export class ScanActivityType {
  @Field(() => ScanEventKindEnum)
  kind!: ScanEventKindEnum;

  @Field(() => String, { nullable: true, description: 'The probe (e.g. `tls`, `network.ports`), or the check id of a finding.' })
  checkId!: string | null;

  @Field(() => String, { nullable: true })
  host!: string | null;

  @Field(() => String, { nullable: true, description: "CHECK_FINISHED: the probe's error, if it failed." })
  detail!: string | null;
}

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

  @Field(() => Int, { description: 'Findings recorded so far (as of this event, in a subscription).' })
  findingsFound!: number;

  @Field(() => ScanActivityType, { nullable: true, description: 'In scanUpdated: the step this event reports.' })
  activity!: ScanActivityType | null;

  @Field(() => ScanStatsType, { nullable: true, description: 'What the run did; set when it ends.' })
  stats!: ScanStatsType | null;
}

/** One event of a scan as it runs: what scanEvents streams, findings included. */
@ObjectType('ScanEvent')
export class ScanEventType {
  @Field(() => ID)
  scanId!: string;

  @Field(() => Int, { description: 'Order of the event within its scan.' })
  revision!: number;

  @Field(() => ScanEventKindEnum)
  kind!: ScanEventKindEnum;

  @Field(() => ScanStatusEnum)
  status!: ScanStatusEnum;

  @Field(() => Int)
  progress!: number;

  @Field(() => String, { nullable: true, description: 'The probe, or the check id of a finding.' })
  checkId!: string | null;

  @Field(() => String, { nullable: true })
  host!: string | null;

  @Field(() => String, { nullable: true, description: 'A failed probe\'s error, or why the scan failed.' })
  detail!: string | null;

  @Field(() => Int, { description: 'Findings recorded up to this event.' })
  findingsFound!: number;

  @Field(() => String, { nullable: true, description: 'FINDING: its severity.' })
  severity!: string | null;

  @Field(() => String, { nullable: true, description: 'FINDING: its title.' })
  title!: string | null;

  @Field(() => FindingRefType, { nullable: true, description: 'FINDING: the finding itself.' })
  finding!: FindingRefType | null;

  @Field(() => Date)
  at!: Date;
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
