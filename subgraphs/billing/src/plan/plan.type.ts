import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum QuotaPeriodEnum {
  TOTAL = 'total',
  MONTH = 'month',
}
registerEnumType(QuotaPeriodEnum, { name: 'QuotaPeriod', description: 'How a scan limit is counted.' });

/** A tier of the catalogue. */
@ObjectType('Plan')
export class PlanType {
  @Field(() => ID, { description: 'trial, starter, professional or enterprise' })
  tier!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Int, { nullable: true, description: 'Scans allowed per period; null means unlimited.' })
  scanLimit!: number | null;

  @Field(() => QuotaPeriodEnum)
  period!: QuotaPeriodEnum;

  @Field(() => Boolean, { description: 'Whether the tier may run active scans (with verified, authorised targets).' })
  activeScans!: boolean;

  @Field(() => Int, { description: 'Largest CIDR target, in addresses (16 = a /28).' })
  maxCidrHosts!: number;
}

/** Scans used in the current quota window. */
@ObjectType('Usage')
export class UsageType {
  @Field(() => Int)
  used!: number;

  @Field(() => Int, { nullable: true, description: 'null means unlimited.' })
  limit!: number | null;

  @Field(() => Date)
  periodStart!: Date;

  @Field(() => Date, { nullable: true, description: 'null for lifetime quotas (trial).' })
  periodEnd!: Date | null;
}
