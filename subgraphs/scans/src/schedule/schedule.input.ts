import { Field, ID, InputType, Int } from 'type-graphql';
import { ScanAuthorisationInput } from '../ownership/ownership.input.js';
import { ScanModeEnum, ScanProfileEnum, TargetTypeEnum } from '../scan/scan.type.js';
import { ScheduleFrequencyEnum } from './schedule.type.js';

/** A recurring scan: what, for which client, how often, in which time zone. */
@InputType('ScheduleScanInput')
export class ScheduleScanInput {
  @Field(() => ID, { nullable: true, description: "The client; default: the credential's client, or the account's default client." })
  clientId?: string | null;

  @Field(() => String, { description: 'An IP, domain, URL or CIDR range.' })
  target!: string;

  @Field(() => TargetTypeEnum)
  targetType!: TargetTypeEnum;

  @Field(() => ScanProfileEnum, { defaultValue: ScanProfileEnum.STANDARD })
  profile!: ScanProfileEnum;

  @Field(() => ScanModeEnum, { defaultValue: ScanModeEnum.PASSIVE })
  mode!: ScanModeEnum;

  @Field(() => ScheduleFrequencyEnum)
  frequency!: ScheduleFrequencyEnum;

  @Field(() => String, { nullable: true, description: 'CRON only: 5 fields (minute hour day-of-month month day-of-week), at most hourly.' })
  cron?: string | null;

  @Field(() => String, { defaultValue: 'UTC', description: 'IANA time zone, e.g. Europe/London.' })
  timeZone!: string;

  @Field(() => String, { nullable: true, description: 'Local time HH:MM of DAILY / WEEKLY / MONTHLY runs; default 03:00.' })
  timeOfDay?: string | null;

  @Field(() => Int, { nullable: true, description: 'WEEKLY: 0 (Sunday) - 6; default 1 (Monday).' })
  weekday?: number | null;

  @Field(() => Int, { nullable: true, description: 'MONTHLY: 1-28; default 1.' })
  dayOfMonth?: number | null;

  @Field(() => ScanAuthorisationInput, {
    nullable: true,
    description: "Required for mode ACTIVE: the standing authorisation of every run. Ownership proof and a paid plan are checked now and again before each run.",
  })
  authorisation?: ScanAuthorisationInput | null;
}

/** Changes to a schedule; fields left out keep their value. Target, type and mode are fixed (schedule anew to change them). */
@InputType('UpdateScheduleInput')
export class UpdateScheduleInput {
  @Field(() => ScanProfileEnum, { nullable: true })
  profile?: ScanProfileEnum | null;

  @Field(() => ScheduleFrequencyEnum, { nullable: true })
  frequency?: ScheduleFrequencyEnum | null;

  @Field(() => String, { nullable: true })
  cron?: string | null;

  @Field(() => String, { nullable: true })
  timeZone?: string | null;

  @Field(() => String, { nullable: true })
  timeOfDay?: string | null;

  @Field(() => Int, { nullable: true })
  weekday?: number | null;

  @Field(() => Int, { nullable: true })
  dayOfMonth?: number | null;

  @Field(() => ScanAuthorisationInput, { nullable: true, description: 'ACTIVE: renews the standing authorisation (re-checked like at scheduling).' })
  authorisation?: ScanAuthorisationInput | null;
}
