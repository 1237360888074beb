import { Field, InputType } from 'type-graphql';
import { z } from 'zod';
import { TierEnum } from './client-tier.enum.js';

const name = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const email = z.email('must be an email address').max(320, 'must be at most 320 characters');
const company = z.string().trim().max(200, 'must be at most 200 characters');

/** createClient's input, validated. */
export const createClientSchema = z.object({
  name,
  email: email.nullish().transform((v) => v ?? null),
  company: company.nullish().transform((v) => v || null),
});
export type CreateClientArgs = z.infer<typeof createClientSchema>;

/** updateClient's input: an absent field is unchanged, null clears email or company. */
export const updateClientSchema = z.object({
  name: name.optional(),
  email: email.nullish(),
  company: company.nullish().transform((v) => (v === '' ? null : v)),
});
export type UpdateClientArgs = z.infer<typeof updateClientSchema>;

@InputType('CreateClientInput')
export class CreateClientInput {
  @Field(() => String, { description: 'Unique in the account (case-insensitive).' })
  name!: string;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  company?: string | null;
}

@InputType('UpdateClientInput', { description: 'Fields left out stay as they are; null clears email or company.' })
export class UpdateClientInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  company?: string | null;
}

@InputType('RegisterClientInput')
export class RegisterClientInput extends CreateClientInput {
  @Field(() => TierEnum, { nullable: true, description: "The client's plan; default: the deployment's DEFAULT_CLIENT_TIER." })
  tier?: TierEnum | null;
}
