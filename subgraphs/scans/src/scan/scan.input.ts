import { Field, InputType } from 'type-graphql';
import { ScanAuthorisationInput } from '../ownership/ownership.input.js';
import { ScanModeEnum, ScanProfileEnum, TargetTypeEnum } from './scan.type.js';

/** What to scan, how deep, and for which client. */
@InputType('CreateScanInput')
export class CreateScanInput {
  @Field(() => String, { description: 'An IP, domain, URL or CIDR range.' })
  target!: string;

  @Field(() => TargetTypeEnum)
  targetType!: TargetTypeEnum;

  @Field(() => ScanProfileEnum, { defaultValue: ScanProfileEnum.STANDARD })
  profile!: ScanProfileEnum;

  @Field(() => ScanModeEnum, { defaultValue: ScanModeEnum.PASSIVE })
  mode!: ScanModeEnum;

  @Field(() => String, { nullable: true, description: "Selects (or creates) the client of this name in the caller's account." })
  clientName?: string | null;

  @Field(() => ScanAuthorisationInput, {
    nullable: true,
    description: 'Required for mode ACTIVE: confirms permission to test the target; recorded immutably with who, when and from where.',
  })
  authorisation?: ScanAuthorisationInput | null;
}
