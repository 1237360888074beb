import { z } from 'zod';
import type { RouteDef } from '../route.js';
import { route } from '../route.js';
import { toV1Finding, v1FindingSchema, type GqlV1Finding } from './finding-mappers.js';
import { COMMON_ERRORS, cursorSchema, limitSchema, type GqlPageInfo } from './shared.js';

const SEVERITY_LIST = /^(critical|high|medium|low|info)(,(critical|high|medium|low|info))*$/;

const listQuery = z.object({
  severity: z
    .string()
    .regex(SEVERITY_LIST, { error: 'must be a comma-separated list of critical, high, medium, low, info' })
    .optional()
    .describe('Comma-separated severities, e.g. critical,high.'),
  check_id: z.string().min(1).max(200).optional().describe('Only findings of this check, e.g. secrets.js-bundle-sweep.'),
  since: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2026-04-01T00:00:00Z' }).optional().describe('Only findings created at or after this instant.'),
  limit: limitSchema,
  cursor: cursorSchema.optional(),
});
type ListQuery = z.infer<typeof listQuery>;

const listSchema = z.object({
  findings: z.array(v1FindingSchema),
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
});

interface ListData {
  findings: { edges: { node: GqlV1Finding }[]; pageInfo: GqlPageInfo };
}

const listRoute = route<unknown, ListQuery, unknown, z.infer<typeof listSchema>>({
  operationId: 'v1ListFindings',
  dialect: 'v1',
  method: 'get',
  path: '/api/v1/findings',
  summary: 'List findings',
  description:
    'Filterable findings list across every scan in the caller\'s org, newest first. Filters: severity=critical,high, check_id=secrets.patterns, since=2026-04-01T00:00:00Z. Cursor-paginated with ?cursor=<next_cursor>: keyset on (created_at, id) descending, so findings inserted while you page never cause duplicates or skips. Default limit 50, max 100; an unknown severity, a malformed since, a zero, negative, non-integer or larger limit and a cursor this API did not return are 400 invalid_input.',
  tags: ['v1: Findings'],
  auth: 'v1',
  query: listQuery,
  success: {
    status: 200,
    description: 'One page of findings.',
    schema: listSchema,
    example: {
      findings: [
        {
          id: '...',
          scan_id: '...',
          check_id: 'secrets.js-bundle-sweep',
          severity: 'critical',
          title: 'Supabase service role key exposed in JS bundle',
          description: '...',
          evidence: {},
          remediation: '...',
          cwe_id: 'CWE-798',
          created_at: '2026-05-07T14:00:23Z',
        },
      ],
      next_cursor: null,
    },
  },
  errors: ['invalid_input', ...COMMON_ERRORS, 'forbidden'],
  operations: ['ListFindings'],
  handle: async ({ query }, ctx) => {
    const filter = {
      ...(query.severity ? { severities: [...new Set(query.severity.split(','))].map((s) => s.toUpperCase()) } : {}),
      ...(query.check_id ? { checkId: query.check_id } : {}),
      ...(query.since ? { since: new Date(query.since).toISOString() } : {}),
    };
    const data = await ctx.graphql<ListData>('ListFindings', { first: query.limit, after: query.cursor ?? null, filter });
    const page = data.findings;
    return { findings: page.edges.map((e) => toV1Finding(e.node)), next_cursor: page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null };
  },
});

/** The v1 dialect's finding routes. */
export const v1FindingRoutes: RouteDef[] = [listRoute];
