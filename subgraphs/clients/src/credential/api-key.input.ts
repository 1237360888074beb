import { Field, ID, InputType } from 'type-graphql';
import { z } from 'zod';
import { SCOPES } from '../../../../lib/auth/tenant.js';

/** createApiKey's input, validated: known scopes, a future expiry. */
export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  scopes: z
    .array(z.enum(SCOPES, { message: `each scope must be one of ${SCOPES.join(', ')}` }))
    .min(1, 'give at least one scope')
    .transform((s) => [...new Set(s)]),
  clientId: z.string().nullish().transform((v) => v ?? null),
  expiresAt: z
    .date()
    .nullish()
    .transform((v) => v ?? null)
    .refine((v) => v === null || v.getTime() > Date.now(), 'must be in the future'),
});
export type CreateApiKeyArgs = z.infer<typeof createApiKeySchema>;

@InputType('CreateApiKeyInput')
export class CreateApiKeyInput {
  @Field(() => String)
  name!: string;

  @Field(() => [String], { description: 'A subset of the creating credential\'s own scopes.' })
  scopes!: string[];

  @Field(() => ID, { nullable: true, description: 'Limit the key to this client; default: account-wide (or the creator\'s client).' })
  clientId?: string | null;

  @Field(() => Date, { nullable: true, description: 'No later than the creating credential\'s own expiry.' })
  expiresAt?: Date | null;
}
