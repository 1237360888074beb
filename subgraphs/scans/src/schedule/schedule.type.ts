import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfoType } from '../../../../lib/graphql/page-info.type.js';
import { ClientRefType, ScanModeEnum, ScanProfileEnum, ScanType, TargetTypeEnum } from '../scan/scan.type.js';

export enum ScheduleFrequencyEnum {
  DAILY = 'DAILY',
  WEEKLY = 'WEEKLY',
  MONTHLY = 'MONTHLY',
  CRON = 'CRON',
}
registerEnumType(ScheduleFrequencyEnum, {
  name: 'ScheduleFrequency',
  description: 'DAILY, WEEKLY and MONTHLY run at timeOfDay (on weekday / dayOfMonth) in timeZone; CRON follows a 5-field cron expression in timeZone.',
});

export enum ScheduleRunOutcomeEnum {
  PENDING = 'PENDING',
  STARTED = 'STARTED',
  SKIPPED = 'SKIPPED',
  FAILED = 'FAILED',
}
registerEnumType(ScheduleRunOutcomeEnum, {
  name: 'ScheduleRunOutcome',
  description: 'STARTED: a scan was queued; SKIPPED: a rule refused it (reason: QUOTA_EXCEEDED, TARGET_UNVERIFIED, TARGET_REFUSED...); FAILED: an error; PENDING: being started now.',
});

/** The client's quota when a run was skipped for it. */
@ObjectType('ScheduleRunQuota')
export class ScheduleRunQuotaType {
  @Field(() => Int)
  limit!: number;

  @Field(() => Int)
  used!: number;

  @Field(() => Date, { nullable: true, description: 'When the quota renews; null for a lifetime quota (trial).' })
  periodEnd!: Date | null;
}

/** One slot of a schedule and what became of it. */
@ObjectType('ScheduleRun')
export class ScheduleRunType {
  @Field(() => ID)
  id!: string;

  @Field(() => Date, { description: 'The slot this run is for.' })
  slot!: Date;

  @Field(() => ScheduleRunOutcomeEnum)
  outcome!: ScheduleRunOutcomeEnum;

  @Field(() => ScanType, { nullable: true, description: 'STARTED: the scan queued for the slot.' })
  scan!: ScanType | null;

  @Field(() => String, { nullable: true, description: 'SKIPPED / FAILED: a stable code.' })
  reason!: string | null;

  @Field(() => String, { nullable: true, description: 'SKIPPED / FAILED: in words.' })
  detail!: string | null;

  @Field(() => ScheduleRunQuotaType, { nullable: true, description: 'QUOTA_EXCEEDED: the quota as it stood.' })
  quota!: ScheduleRunQuotaType | null;

  @Field(() => Date)
  claimedAt!: Date;
}

/** A recurring scan of one target for one client. */
@ObjectType('Schedule')
export class ScheduleType {
  @Field(() => ID)
  id!: string;

  @Field(() => ClientRefType)
  client!: ClientRefType;

  @Field(() => String)
  target!: string;

  @Field(() => TargetTypeEnum)
  targetType!: TargetTypeEnum;

  @Field(() => ScanProfileEnum)
  profile!: ScanProfileEnum;

  @Field(() => ScanModeEnum)
  mode!: ScanModeEnum;

  @Field(() => ScheduleFrequencyEnum)
  frequency!: ScheduleFrequencyEnum;

  @Field(() => String, { nullable: true, description: 'CRON: the expression.' })
  cron!: string | null;

  @Field(() => String, { description: 'IANA time zone of the slots.' })
  timeZone!: string;

  @Field(() => String, { description: 'DAILY / WEEKLY / MONTHLY: local time HH:MM.' })
  timeOfDay!: string;

  @Field(() => Int, { description: 'WEEKLY: 0 (Sunday) - 6.' })
  weekday!: number;

  @Field(() => Int, { description: 'MONTHLY: 1-28.' })
  dayOfMonth!: number;

  @Field(() => Boolean)
  paused!: boolean;

  @Field(() => Date, { nullable: true, description: 'The next slot; null while paused.' })
  nextRunAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'The slot of the latest run.' })
  lastRunAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'ACTIVE: who gave the standing authorisation.' })
  authorisedBy!: string | null;

  @Field(() => Date, { nullable: true, description: 'ACTIVE: when the standing authorisation was given.' })
  authorisedAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

@ObjectType('ScheduleEdge')
export class ScheduleEdgeType {
  @Field(() => String)
  cursor!: string;

  @Field(() => ScheduleType)
  node!: ScheduleType;
}

/** Relay-style page of schedules, newest first. */
@ObjectType('ScheduleConnection')
export class ScheduleConnectionType {
  @Field(() => [ScheduleEdgeType])
  edges!: ScheduleEdgeType[];

  @Field(() => PageInfoType)
  pageInfo!: PageInfoType;
}
