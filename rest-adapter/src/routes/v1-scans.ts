import { z } from 'zod';
import type { RouteContext, RouteDef } from '../route.js';
import { route } from '../route.js';
import { toV1Finding, v1FindingSchema, type GqlV1Finding } from './finding-mappers.js';
import { createScan } from './scan-create.js';
import {
  allPages,
  BODY_ERRORS,
  CANCELLED_ERROR,
  CANCELLED_RULE,
  COMMON_ERRORS,
  cursorSchema,
  found,
  limitSchema,
  PATH_ID_RULE,
  pathId,
  severityCountsSchema,
  type GqlPageInfo,
  type GqlScanStatus,
  type GqlSeverityCounts,
  type GqlTargetType,
} from './shared.js';

const V1_STATUS = ['queued', 'running', 'completed', 'failed'] as const;
type V1Status = (typeof V1_STATUS)[number];
const STATUS_WORD: Record<GqlScanStatus, V1Status> = { QUEUED: 'queued', RUNNING: 'running', COMPLETED: 'completed', FAILED: 'failed', CANCELLED: 'failed' };

const createBody = z.object({
  target: z.string().min(1).max(2048).describe('A URL (e.g. https://staging.example.com), domain, IP or CIDR.'),
  mode: z.enum(['passive', 'active']).nullish().describe('passive (default) or active.'),
  authorised: z.boolean().nullish().describe('Active mode only: must be true, confirming permission to test the target (recorded immutably, as POST /scan/authorised does).'),
  authorised_by: z.string().min(1).max(200).nullish().describe('Active mode only: who authorised the scan.'),
  target_type: z.enum(['ip', 'domain', 'url', 'cidr']).nullish().describe('Inferred from `target` when left out: a scheme makes a url, a prefix length a cidr, an address an ip, anything else a domain.'),
  scan_profile: z.enum(['light', 'standard', 'aggressive']).nullish().describe('Default standard.'),
});
type CreateBody = z.infer<typeof createBody>;

const createdSchema = z.object({
  id: z.string(),
  status: z.enum(V1_STATUS),
  target: z.string().describe('The target as the platform normalised it.'),
  mode: z.enum(['passive', 'active']),
});

const createRoute = route<unknown, unknown, CreateBody, z.infer<typeof createdSchema>>({
  operationId: 'v1CreateScan',
  dialect: 'v1',
  method: 'post',
  path: '/api/v1/scans',
  summary: 'Start a scan',
  description:
    'Enqueues a passive scan by default. `mode: "active"` needs a paid plan, a target proven to be the client\'s (verified domain or attested address) and `authorised: true`; otherwise 403 `forbidden` with a `reason` (PLAN_WITHOUT_ACTIVE_SCANS, TARGET_UNVERIFIED, VERIFICATION_EXPIRED, VERIFICATION_FAILED, NOT_AUTHORISED). Returns immediately with a queued scan id; poll GET /api/v1/scans/{scanId} until status === "completed". Counts against the monthly quota (429 quota_exceeded).',
  tags: ['v1: Scans'],
  auth: 'v1',
  body: createBody,
  requestExample: { target: 'https://staging.example.com' },
  success: {
    status: 200,
    description: 'The scan is queued.',
    schema: createdSchema,
    example: { id: '8f1c4e2a-8c3a-4b6f-9c0d-9b1e8f3c2a4d', status: 'queued', target: 'https://staging.example.com', mode: 'passive' },
  },
  errors: [...BODY_ERRORS, ...COMMON_ERRORS, 'forbidden', 'quota_exceeded'],
  operations: ['CreateScan'],
  handle: async ({ body }, ctx) => {
    const active = body.mode === 'active';
    const scan = await createScan(ctx, {
      target: body.target,
      targetType: body.target_type ?? null,
      profile: body.scan_profile ?? 'standard',
      clientName: null,
      mode: active ? 'ACTIVE' : 'PASSIVE',
      authorisation: active && body.authorised !== null && body.authorised !== undefined ? { authorised: body.authorised, authorisedBy: body.authorised_by ?? null } : null,
    });
    return { id: scan.id, status: STATUS_WORD[scan.status], target: scan.target, mode: scan.mode === 'ACTIVE' ? 'active' : 'passive' };
  },
});

interface GqlScan {
  id: string;
  target: string;
  targetType: GqlTargetType;
  mode: 'PASSIVE' | 'ACTIVE';
  status: GqlScanStatus;
  error: string | null;
  triggeredBy: string;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  findingsSummary: GqlSeverityCounts;
}

const scanSchema = z.object({
  id: z.string(),
  target_url: z.string().describe('The scan\'s target as normalised: the URL of a URL scan, else the domain, address or CIDR range scanned.'),
  target_hostname: z.string().nullable().describe('The host of the target (a URL\'s host, the domain or the address); null for a CIDR range.'),
  mode: z.enum(['passive', 'active']),
  status: z.enum(V1_STATUS).describe('queued, running, completed or failed.'),
  error: z.string().nullable().describe('Why the scan failed; null otherwise.'),
  started_at: z.iso.datetime().nullable(),
  completed_at: z.iso.datetime().nullable(),
  findings_count: severityCountsSchema,
  triggered_by: z.string().describe('api, schedule or dashboard.'),
  created_at: z.iso.datetime(),
});
type V1Scan = z.infer<typeof scanSchema>;

function hostnameOf(s: GqlScan): string | null {
  if (s.targetType === 'CIDR') return null;
  if (s.targetType !== 'URL') return s.target;
  try {
    return new URL(s.target).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return null;
  }
}

function toV1Scan(s: GqlScan): V1Scan {
  const { total: _total, ...counts } = s.findingsSummary;
  return {
    id: s.id,
    target_url: s.target,
    target_hostname: hostnameOf(s),
    mode: s.mode === 'ACTIVE' ? 'active' : 'passive',
    status: STATUS_WORD[s.status],
    error: s.status === 'CANCELLED' ? (s.error ?? CANCELLED_ERROR) : s.error,
    started_at: s.startedAt,
    completed_at: s.completedAt,
    findings_count: counts,
    triggered_by: s.triggeredBy,
    created_at: s.createdAt,
  };
}

const listQuery = z.object({ limit: limitSchema, cursor: cursorSchema.optional() });
type ListQuery = z.infer<typeof listQuery>;
const listSchema = z.object({
  scans: z.array(scanSchema),
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
});

const SCAN_EXAMPLE: V1Scan = {
  id: '8f1c4e2a-...',
  target_url: 'https://staging.example.com',
  target_hostname: 'staging.example.com',
  mode: 'passive',
  status: 'completed',
  error: null,
  started_at: '2026-05-07T14:00:00Z',
  completed_at: '2026-05-07T14:00:23Z',
  findings_count: { critical: 1, high: 3, medium: 7, low: 2, info: 4 },
  triggered_by: 'api',
  created_at: '2026-05-07T14:00:00Z',
};

interface ListData {
  scans: { edges: { node: GqlScan }[]; pageInfo: GqlPageInfo };
}

const listRoute = route<unknown, ListQuery, unknown, z.infer<typeof listSchema>>({
  operationId: 'v1ListScans',
  dialect: 'v1',
  method: 'get',
  path: '/api/v1/scans',
  summary: 'List your scans',
  description: `Returns scans for the org tied to the calling token (every client of an account-wide token), newest first. Paginate with ?cursor=<next_cursor>: keyset on (created_at, id) descending, correct under concurrent writes. Default limit 50, max 100; zero, negative, non-integer or larger limits and cursors this API did not return are 400 invalid_input. ${CANCELLED_RULE}`,
  tags: ['v1: Scans'],
  auth: 'v1',
  query: listQuery,
  success: {
    status: 200,
    description: 'One page of scans.',
    schema: listSchema,
    example: { scans: [SCAN_EXAMPLE], next_cursor: '2026-05-07T14:00:00Z:8f1c4e2a-...' },
  },
  errors: ['invalid_input', ...COMMON_ERRORS, 'forbidden'],
  operations: ['ListScans'],
  handle: async ({ query }, ctx) => {
    const data = await ctx.graphql<ListData>('ListScans', { first: query.limit, after: query.cursor ?? null });
    const page = data.scans;
    return { scans: page.edges.map((e) => toV1Scan(e.node)), next_cursor: page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null };
  },
});

const scanParams = z.object({ scanId: pathId('The scan id (UUID).') });
type ScanParams = z.infer<typeof scanParams>;
const getQuery = z.object({
  include_findings: z.enum(['true', 'false']).optional().describe('true: add every finding of the scan (`findings`). Default false.'),
});
type GetQuery = z.infer<typeof getQuery>;

const scanDetailSchema = scanSchema.extend({
  findings_count_by_category: z
    .record(z.string(), severityCountsSchema)
    .describe('Per-category severity summary: findings by severity for each check category (the check id\'s prefix, e.g. headers, tls, secrets) that has findings.'),
  findings: z.array(v1FindingSchema).optional().describe('Only with include_findings=true: every finding of the scan, newest first.'),
});
type ScanDetail = z.infer<typeof scanDetailSchema>;

interface GetData {
  scan: (GqlScan & { findingsByCategory: (GqlSeverityCounts & { category: string })[] }) | null;
}
interface FindingsPageData {
  scan: { findings: { edges: { node: GqlV1Finding }[]; pageInfo: GqlPageInfo } } | null;
}

async function allFindings(ctx: RouteContext, id: string): Promise<GqlV1Finding[]> {
  return allPages(async (after) => {
    const scan = found((await ctx.graphql<FindingsPageData>('ScanFindings', { id, after })).scan);
    return { nodes: scan.findings.edges.map((e) => e.node), pageInfo: scan.findings.pageInfo };
  });
}

const getRoute = route<ScanParams, GetQuery, unknown, ScanDetail>({
  operationId: 'v1GetScan',
  dialect: 'v1',
  method: 'get',
  path: '/api/v1/scans/{scanId}',
  summary: 'Get a scan',
  description: `Returns scan envelope + per-category severity summary by default. Pass ?include_findings=true to get the full report (every finding; large for noisy scans — prefer /api/v1/findings with filters). ${CANCELLED_RULE} ${PATH_ID_RULE}`,
  tags: ['v1: Scans'],
  auth: 'v1',
  params: scanParams,
  query: getQuery,
  success: {
    status: 200,
    description: 'The scan, its severity counts per check category and, on request, its findings.',
    schema: scanDetailSchema,
    example: {
      ...SCAN_EXAMPLE,
      id: '8f1c4e2a-8c3a-4b6f-9c0d-9b1e8f3c2a4d',
      findings_count_by_category: {
        headers: { critical: 0, high: 0, medium: 3, low: 2, info: 1 },
        secrets: { critical: 1, high: 0, medium: 0, low: 0, info: 0 },
      },
    },
  },
  errors: ['invalid_input', ...COMMON_ERRORS, 'forbidden', 'not_found'],
  operations: ['GetScan', 'ScanFindings'],
  handle: async ({ params, query }, ctx) => {
    const id = params.scanId;
    const scan = found((await ctx.graphql<GetData>('GetScan', { id })).scan);
    const byCategory: Record<string, z.infer<typeof severityCountsSchema>> = {};
    for (const { category, total: _total, ...counts } of scan.findingsByCategory) byCategory[category] = counts;
    const detail: ScanDetail = { ...toV1Scan(scan), findings_count_by_category: byCategory };
    if (query.include_findings === 'true') detail.findings = (await allFindings(ctx, id)).map(toV1Finding);
    return detail;
  },
});

/** The v1 dialect's scan routes. */
export const v1ScanRoutes: RouteDef[] = [createRoute, listRoute, getRoute];
