import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ScanModeEnum, ScanProfileEnum } from '../scan/scan.type.js';

export enum CheckSeverityEnum {
  CRITICAL = 'CRITICAL',
  HIGH = 'HIGH',
  MEDIUM = 'MEDIUM',
  LOW = 'LOW',
  INFO = 'INFO',
}
// The same enum as the findings subgraph's Severity: one type in the composed schema.
registerEnumType(CheckSeverityEnum, { name: 'Severity' });

export enum CheckConfidenceEnum {
  CONFIRMED = 'CONFIRMED',
  FIRM = 'FIRM',
  TENTATIVE = 'TENTATIVE',
}
registerEnumType(CheckConfidenceEnum, {
  name: 'CheckConfidence',
  description: 'CONFIRMED: the finding is proven (e.g. data read back); FIRM: a strong signal; TENTATIVE: worth a look.',
});

/** One check of the catalogue: exactly what the scanner tests and how it reports it. */
@ObjectType('Check')
export class CheckType {
  @Field(() => ID, { description: 'Stable id, `<category>.<name>`; findings carry it as checkId.' })
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { description: 'headers, cookies, cors, transport, tls, software, secrets, exposure, network, performance or dns' })
  category!: string;

  @Field(() => CheckSeverityEnum, { description: 'Default severity; a finding may be rated higher or lower with its evidence.' })
  severity!: CheckSeverityEnum;

  @Field(() => String, { nullable: true })
  cweId!: string | null;

  @Field(() => CheckConfidenceEnum)
  confidence!: CheckConfidenceEnum;

  @Field(() => String, { description: 'What the check tests.' })
  description!: string;

  @Field(() => String, { description: "What a finding's evidence shows." })
  evidence!: string;

  @Field(() => String)
  remediation!: string;

  @Field(() => ScanModeEnum, { description: 'PASSIVE checks run in every scan; ACTIVE ones only in active scans.' })
  mode!: ScanModeEnum;

  @Field(() => ScanProfileEnum, { description: 'The lightest profile that runs the check.' })
  profile!: ScanProfileEnum;

  @Field(() => String, { description: 'The probe that runs the check (as named in scan events).' })
  probe!: string;
}
