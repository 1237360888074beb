import type { Request } from 'express';
import type { ZodType, core } from 'zod';
import { RestError, type Issue } from './errors.js';
import type { RouteDef, RouteInput } from './route.js';

/**
 * One issue per bad field: zod may report several problems for one path (a union's branches), and
 * an unknown key is reported on the object, so it is named as the field itself.
 */
export function issuesOf(zodIssues: readonly core.$ZodIssue[], root: string): Issue[] {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  const add = (field: string, message: string): void => {
    if (seen.has(field)) return;
    seen.add(field);
    issues.push({ field, message });
  };
  for (const issue of zodIssues) {
    const at = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add(at ? `${at}.${key}` : key, 'Unknown field');
      continue;
    }
    add(at || root, issue.message);
  }
  return issues;
}

function check<T>(schema: ZodType<T> | undefined, value: unknown, root: string): { ok: true; value: T } | { ok: false; issues: Issue[] } {
  if (!schema) return { ok: true, value: value as T };
  const parsed = schema.safeParse(value);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, issues: issuesOf(parsed.error.issues, root) };
}

/**
 * Validates path parameters, query and body with the route's schemas; every bad field becomes one
 * issue of a single `invalid_input`. Path parameters that fail (an id that is not a UUID) are
 * `invalid_input` when the route lists that error, else `not_found`: such an id names nothing.
 */
export function validateInput(route: RouteDef, req: Request): RouteInput<unknown, unknown, unknown> {
  const query = { ...(req.query as Record<string, unknown>) };
  // A report URL's key is a credential, not a query parameter: never validated, echoed or passed on.
  if (route.auth === 'report') delete query.api_key;
  const params = check(route.params, { ...req.params }, 'path');
  const q = check(route.query, query, 'query');
  const body = check(route.body, req.body, 'body');
  const issues = [...(q.ok ? [] : q.issues), ...(body.ok ? [] : body.issues)];
  if (!params.ok) {
    if (!route.errors.includes('invalid_input')) throw new RestError('not_found');
    issues.unshift(...params.issues);
  }
  if (issues.length) throw new RestError('invalid_input', { issues });
  return { params: params.ok ? params.value : undefined, query: q.ok ? q.value : undefined, body: body.ok ? body.value : undefined };
}
