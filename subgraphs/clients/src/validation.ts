import type { z } from 'zod';
import { BadUserInputError } from '../../../lib/errors.js';

/** Parses input at the edge; every problem becomes one issue of a single BAD_USER_INPUT. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new BadUserInputError(result.error.issues.map((i) => ({ field: i.path.join('.') || 'input', message: i.message })));
}

/** True for a canonical UUID: anything else cannot be one of our ids, so it is simply not found. */
export function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}
