import { isIP } from 'node:net';
import { z } from 'zod';
import { RestError, type Issue, type RestErrorName } from '../errors.js';

/** GraphQL enums as the routes receive them. */
export type GqlScanStatus = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
export type GqlSeverity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFO';
export type GqlTargetType = 'IP' | 'DOMAIN' | 'URL' | 'CIDR';
export type GqlFindingStatus = 'OPEN' | 'IN_PROGRESS' | 'FIXED' | 'ACCEPTED_RISK';

export interface GqlSeverityCounts {
  total: number;
  critical: number;
  high: number;
  medium: number;
  low: number;
  info: number;
}

export interface GqlPageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

/** Errors any authenticated JSON route can answer, whatever it does. */
export const COMMON_ERRORS: RestErrorName[] = ['invalid_token', 'rate_limited', 'internal_error', 'service_unavailable'];
/** Errors of a route that reads a JSON body (malformed, too large) or takes an Idempotency-Key. */
export const BODY_ERRORS: RestErrorName[] = ['invalid_input', 'payload_too_large', 'conflict'];

/** Said in every route that takes a path id, so both dialects answer alike. */
export const PATH_ID_RULE =
  'A path id that is a UUID but names nothing the caller may see (unknown, or another tenant\'s) is `not_found` (404): a foreign id is never told apart from a missing one.';

/** A path id: always a UUID (a malformed one is invalid_input, see PATH_ID_RULE). */
export function pathId(what: string) {
  return z.uuid({ error: 'must be a UUID' }).describe(what);
}

/** What a cancelled scan looks like in the published status words (neither document has one). */
export const CANCELLED_RULE =
  'A cancelled scan (cancelled through the GraphQL API) is reported as `failed` with `error` giving the reason (e.g. "Cancelled by the user"), so clients written against the published status words never meet an unknown one.';

/** The error of a cancelled scan that recorded no reason of its own. */
export const CANCELLED_ERROR = 'Scan was cancelled';

/** A scan that GraphQL did not return (unknown or another tenant's) is not found. */
export function found<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new RestError('not_found');
  return value;
}

/** `critical` from `CRITICAL`, `in_progress` from `IN_PROGRESS`: REST keeps the documents' lowercase words. */
export function lower<T extends string>(value: T): Lowercase<T> {
  return value.toLowerCase() as Lowercase<T>;
}

/**
 * The target type when the caller gave none: a URL has a scheme, a CIDR a prefix length, an IP
 * parses as one; anything else is a domain (createScan then validates it as such).
 */
export function inferTargetType(target: string): GqlTargetType {
  const t = target.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) return 'URL';
  const slash = t.lastIndexOf('/');
  if (slash > 0 && isIP(t.slice(0, slash)) && /^\d{1,3}$/.test(t.slice(slash + 1))) return 'CIDR';
  if (isIP(t.replace(/^\[(.*)\]$/, '$1'))) return 'IP';
  return 'DOMAIN';
}

/**
 * Runs a GraphQL call and renames the fields of an `invalid_input` it answers from GraphQL's
 * camelCase (`targetType`) to the REST body's snake_case (`target_type`), so the caller is told
 * about the field it actually sent.
 */
export async function withRestFields<T>(fields: Record<string, string>, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof RestError && err.error === 'invalid_input' && Array.isArray(err.extra.issues)) {
      const issues = (err.extra.issues as Issue[]).map((i) => ({ ...i, field: renameField(String(i.field), fields) }));
      throw new RestError('invalid_input', { ...err.extra, issues }, err.headers);
    }
    throw err;
  }
}

function renameField(field: string, fields: Record<string, string>): string {
  if (fields[field]) return fields[field];
  const prefix = Object.keys(fields).find((k) => field.startsWith(`${k}.`));
  return prefix ? `${fields[prefix]}${field.slice(prefix.length)}` : field;
}

/** Follows a GraphQL connection page by page until its end (the page size is in the operation). */
export async function allPages<N>(fetchPage: (after: string | null) => Promise<{ nodes: N[]; pageInfo: GqlPageInfo }>): Promise<N[]> {
  const all: N[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await fetchPage(after);
    all.push(...page.nodes);
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return all;
    after = page.pageInfo.endCursor;
  }
}

/** Query-string limit of the list routes: 1-100, default 50 (a non-integer, zero, negative or larger value is invalid_input). */
export const limitSchema = z.coerce
  .number({ error: 'limit must be an integer between 1 and 100' })
  .int({ error: 'limit must be an integer between 1 and 100' })
  .min(1, { error: 'limit must be an integer between 1 and 100' })
  .max(100, { error: 'limit must be an integer between 1 and 100' })
  .default(50)
  .describe('Page size: 1-100, default 50.');

const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** `next_cursor` of a previous page, `<created_at>:<id>` (the keyset position, not an offset). */
export const cursorSchema = z
  .string()
  .regex(CURSOR, { error: 'is not a cursor returned by this API (expected <created_at>:<id>, as next_cursor gives it)' })
  .refine((c) => !Number.isNaN(new Date(CURSOR.exec(c)?.[1] ?? '').getTime()), { error: 'is not a cursor returned by this API' })
  .describe('The `next_cursor` of the previous page: `<created_at>:<id>`, keyset on (created_at, id) descending.');

export const severityCountsSchema = z.object({
  critical: z.number().int(),
  high: z.number().int(),
  medium: z.number().int(),
  low: z.number().int(),
  info: z.number().int(),
});
