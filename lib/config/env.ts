import { z } from 'zod';

/**
 * Parses `source` with `schema`, collecting every problem; prints them all and exits non-zero
 * when any is found, so a misconfigured service never half-starts.
 */
export function parseEnv<T extends z.ZodType>(schema: T, source: NodeJS.ProcessEnv = process.env): z.infer<T> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  - ${i.path.join('.') || '(env)'}: ${i.message}`);
  process.stderr.write(`Invalid configuration:\n${lines.join('\n')}\n`);
  process.exit(1);
}

/** Env fragments reused by several services. */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** A whole number in [min, max] (from a string), `fallback` when unset. */
export const count = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** `true` / `false`, `fallback` when unset. */
export const flag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false'])
    .default(fallback)
    .transform((v) => v === 'true');

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** Database: DATABASE_URL for a shared server. Services started alone require it. */
export const databaseUrl = z.string().url({ message: 'DATABASE_URL must be a postgres:// URL' });

/** Shared secret between the gateway and the subgraphs (identity tokens). At least 32 chars. */
export const internalSecret = z.string().min(32, { message: 'INTERNAL_TOKEN_SECRET must be at least 32 characters' });
