import type { z } from 'zod';
import { BadUserInputError } from '../../../lib/errors.js';

/** Parses input at the edge; every problem becomes one issue of a single BAD_USER_INPUT. */
export function parseBillingInput<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new BadUserInputError(result.error.issues.map((i) => ({ field: i.path.join('.') || 'input', message: i.message })));
}
