import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { ID } from 'type-graphql';

export enum FindingStatusEnum {
  OPEN = 'open',
  IN_PROGRESS = 'in_progress',
  FIXED = 'fixed',
  ACCEPTED_RISK = 'accepted_risk',
}
registerEnumType(FindingStatusEnum, {
  name: 'FindingStatus',
  description: 'open → in_progress / fixed / accepted_risk; in_progress → open / fixed / accepted_risk; fixed → open; accepted_risk → open / in_progress / fixed.',
});

/** A change of a finding's status by hand. */
@InputType('RemediateFindingInput')
export class RemediateFindingInput {
  @Field(() => ID)
  id!: string;

  @Field(() => FindingStatusEnum)
  status!: FindingStatusEnum;

  @Field(() => String, { nullable: true, description: 'Why; required to accept a risk (at most 4000 characters).' })
  note?: string | null;

  @Field(() => Date, { nullable: true, description: 'accepted_risk only: when the acceptance lapses and the finding reopens.' })
  acceptedUntil?: Date | null;

  @Field(() => String, { nullable: true, description: 'Who made the change (a person, a ticket system); the credential is recorded too.' })
  updatedBy?: string | null;
}

/** One change of a finding's status, as the audit trail keeps it (append-only). */
@ObjectType('FindingHistoryEntry')
export class FindingHistoryEntryType {
  @Field(() => Date)
  at!: Date;

  @Field(() => String, { description: 'user (through the API) or scanner.' })
  actorKind!: string;

  @Field(() => String, { description: 'The credential id, or the scan id for the scanner.' })
  actor!: string;

  @Field(() => String, { nullable: true })
  updatedBy!: string | null;

  @Field(() => FindingStatusEnum, { nullable: true, description: 'null for the first sighting.' })
  from!: FindingStatusEnum | null;

  @Field(() => FindingStatusEnum)
  to!: FindingStatusEnum;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => ID, { nullable: true })
  scanId!: string | null;
}
