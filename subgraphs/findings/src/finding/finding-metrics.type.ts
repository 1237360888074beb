import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { FindingsClientRefType } from './clients-affected.type.js';
import { FindingsSummaryType } from './finding-connection.type.js';

/** Per-call remediation deadlines, in days (1-3650); a priority left out keeps the deployment's. */
@InputType('SlaDaysInput')
export class SlaDaysInput {
  @Field(() => Int, { nullable: true, description: 'Days to fix a critical-priority finding (built-in default 2).' })
  critical?: number | null;

  @Field(() => Int, { nullable: true, description: 'Days to fix a high-priority finding (built-in default 7).' })
  high?: number | null;

  @Field(() => Int, { nullable: true, description: 'Days to fix a medium-priority finding (built-in default 30).' })
  medium?: number | null;

  @Field(() => Int, { nullable: true, description: 'Days to fix a low-priority finding (built-in default 90).' })
  low?: number | null;
}

/** Open findings of one priority against its deadline. */
@ObjectType('PrioritySla')
export class PrioritySlaType {
  @Field(() => String, { description: 'critical, high, medium or low (as fixfirstPriority).' })
  priority!: string;

  @Field(() => Int, { description: 'Days allowed from first seen to fixed.' })
  slaDays!: number;

  @Field(() => Int, { description: 'Findings of this priority that are open or in progress.' })
  open!: number;

  @Field(() => Int, { description: 'Of those, the ones first seen more than slaDays ago.' })
  overdue!: number;

  @Field(() => Int, { nullable: true, description: 'Whole days since the oldest of them was first seen; null when none is open.' })
  oldestOpenDays!: number | null;
}

/** One client's remediation metrics: a finding here is a problem across scans, not a sighting. */
@ObjectType('ClientFindingMetrics')
export class ClientFindingMetricsType {
  @Field(() => FindingsClientRefType)
  client!: FindingsClientRefType;

  @Field(() => FindingsSummaryType, { description: 'Open or in-progress findings by severity (as of their latest sighting).' })
  open!: FindingsSummaryType;

  @Field(() => Int, { description: 'Findings being worked on (part of open).' })
  inProgress!: number;

  @Field(() => Int, { description: 'Accepted risks still in force.' })
  acceptedRisk!: number;

  @Field(() => Int, { description: 'Findings fixed since `since`.' })
  fixed!: number;

  @Field(() => Float, { nullable: true, description: 'Mean hours from first seen to fixed over the findings fixed since `since`; null when none was.' })
  meanTimeToRemediateHours!: number | null;

  @Field(() => Float, { nullable: true, description: 'Median of the same; null when none was fixed.' })
  medianTimeToRemediateHours!: number | null;

  @Field(() => Int, { description: 'Open findings past their deadline, all priorities together.' })
  overdue!: number;

  @Field(() => [PrioritySlaType], { description: 'One row per priority: critical, high, medium, low (informational findings have no deadline).' })
  sla!: PrioritySlaType[];

  @Field(() => Date, { description: 'The instant these figures describe.' })
  asOf!: Date;
}
