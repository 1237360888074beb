import { z } from 'zod';
import type { RouteContext, RouteDef } from '../route.js';
import { route } from '../route.js';
import { enrichedFindingSchema, toEnrichedFinding, type GqlEnrichedFinding } from './finding-mappers.js';
import { authorisationSchema, createScan, type CreatedScan } from './scan-create.js';
import {
  allPages,
  BODY_ERRORS,
  CANCELLED_ERROR,
  CANCELLED_RULE,
  COMMON_ERRORS,
  found,
  PATH_ID_RULE,
  pathId,
  type GqlPageInfo,
  type GqlScanStatus,
  type GqlSeverityCounts,
} from './shared.js';

const FIXFIRST_STATUS = ['queued', 'running', 'complete', 'failed'] as const;
type FixFirstStatus = (typeof FIXFIRST_STATUS)[number];
const STATUS_WORD: Record<GqlScanStatus, FixFirstStatus> = { QUEUED: 'queued', RUNNING: 'running', COMPLETED: 'complete', FAILED: 'failed', CANCELLED: 'failed' };

const TARGET_RULE =
  '`target_type` may be left out: a target with a scheme is a url, one with a prefix length a cidr, one that parses as an address an ip, anything else a domain. `target` in the response is the target as the platform normalised it.';

const scanBody = z.object({
  target: z.string().min(1).max(2048).describe('IP, domain, URL, or CIDR.'),
  target_type: z.enum(['ip', 'domain', 'url', 'cidr']).nullish().describe('ip | domain | url | cidr; inferred from `target` when left out.'),
  scan_profile: z.enum(['light', 'standard', 'aggressive']).nullish().describe('light | standard | aggressive; default standard.'),
  client_name: z.string().min(1).max(200).nullish().describe('Client label: selects (or creates) the client of this name in the caller\'s account.'),
});
type ScanBody = z.infer<typeof scanBody>;

const authorisedBody = scanBody.extend({
  authorised: z.boolean().describe('Required: confirms permission to test the target. false is refused (403 forbidden, reason NOT_AUTHORISED).'),
  authorised_by: z.string().min(1).max(200).nullish().describe('Optional: who authorised the scan.'),
});
type AuthorisedBody = z.infer<typeof authorisedBody>;

const queuedSchema = z.object({
  job_id: z.string().describe('The scan id (UUID).'),
  status: z.enum(FIXFIRST_STATUS),
  target: z.string(),
  message: z.string().describe('"Scan queued. Track at /scan/<job_id>".'),
  target_type: z.enum(['ip', 'domain', 'url', 'cidr']),
  scan_profile: z.enum(['light', 'standard', 'aggressive']),
  mode: z.enum(['passive', 'active']),
});
const authorisedQueuedSchema = queuedSchema.extend({ authorisation: authorisationSchema });

const jobParams = z.object({ job_id: pathId('The scan id (UUID) returned as `job_id`.') });
type JobParams = z.infer<typeof jobParams>;

function queued(scan: CreatedScan): z.infer<typeof queuedSchema> {
  return {
    job_id: scan.id,
    status: STATUS_WORD[scan.status],
    target: scan.target,
    message: `Scan queued. Track at /scan/${scan.id}`,
    target_type: scan.targetType.toLowerCase() as z.infer<typeof queuedSchema>['target_type'],
    scan_profile: scan.profile.toLowerCase() as z.infer<typeof queuedSchema>['scan_profile'],
    mode: scan.mode === 'ACTIVE' ? 'active' : 'passive',
  };
}

function scanInput(body: ScanBody) {
  return {
    target: body.target,
    targetType: body.target_type ?? null,
    profile: body.scan_profile ?? 'standard',
    clientName: body.client_name ?? null,
  };
}

const createScanRoute = route<unknown, unknown, ScanBody, z.infer<typeof queuedSchema>>({
  operationId: 'fixfirstCreateScan',
  dialect: 'fixfirst',
  method: 'post',
  path: '/scan',
  summary: 'Create a new scan job',
  description: `Queue a new (passive) vulnerability scan. Returns a job_id to track progress. Scan runs asynchronously — poll /scan/{job_id} for status. ${TARGET_RULE} Counts against the client's scan quota (429 quota_exceeded when used up).`,
  tags: ['Fix First: Scans'],
  auth: 'fixfirst',
  body: scanBody,
  requestExample: { target: 'company.com', target_type: 'domain', scan_profile: 'standard', client_name: 'Acme Corp' },
  success: {
    status: 200,
    description: 'The scan is queued.',
    schema: queuedSchema,
    example: { job_id: 'a1b2c3d4-...', status: 'queued', target: 'company.com', message: 'Scan queued. Track at /scan/a1b2c3d4', target_type: 'domain', scan_profile: 'standard', mode: 'passive' },
  },
  errors: [...BODY_ERRORS, ...COMMON_ERRORS, 'forbidden', 'quota_exceeded'],
  operations: ['CreateScan'],
  handle: async ({ body }, ctx) => queued(await createScan(ctx, { ...scanInput(body), mode: 'PASSIVE' })),
});

const createAuthorisedScanRoute = route<unknown, unknown, AuthorisedBody, z.infer<typeof authorisedQueuedSchema>>({
  operationId: 'fixfirstCreateAuthorisedScan',
  dialect: 'fixfirst',
  method: 'post',
  path: '/scan/authorised',
  summary: 'Create scan with legal authorisation record',
  description: `Create an active scan with explicit authorisation confirmation stored for legal protection (an immutable record: who, when, from where, the statement, the target and the ownership proof). Also enforces the client tier's quota. Refused with 403 \`forbidden\` and a \`reason\` when the client's plan has no active scans (PLAN_WITHOUT_ACTIVE_SCANS), the target is not proven to be the client's (TARGET_UNVERIFIED, VERIFICATION_EXPIRED, VERIFICATION_FAILED: verify the domain or attest the address first) or \`authorised\` is not true (NOT_AUTHORISED). ${TARGET_RULE}`,
  tags: ['Fix First: Scans'],
  auth: 'fixfirst',
  body: authorisedBody,
  requestExample: { target: 'company.com', target_type: 'domain', scan_profile: 'standard', client_name: 'Acme Corp', authorised: true, authorised_by: 'John Smith' },
  success: {
    status: 200,
    description: 'The active scan is queued with its authorisation record.',
    schema: authorisedQueuedSchema,
    example: {
      job_id: 'a1b2c3d4-...',
      status: 'queued',
      target: 'company.com',
      message: 'Scan queued. Track at /scan/a1b2c3d4',
      target_type: 'domain',
      scan_profile: 'standard',
      mode: 'active',
      authorisation: {
        authorised: true,
        authorised_by: 'John Smith',
        statement: 'I confirm I am authorised to test this target.',
        target: 'company.com',
        created_by: '0190f3c2-...',
        created_at: '2026-05-07T14:00:00Z',
        source_ip: '203.0.113.7',
        user_agent: 'curl/8.5.0',
        proof: { kind: 'domain', domain: 'company.com', method: 'dns', verified_at: '2026-05-01T09:00:00Z', attested_target: null },
      },
    },
  },
  errors: [...BODY_ERRORS, ...COMMON_ERRORS, 'forbidden', 'quota_exceeded'],
  operations: ['CreateScan'],
  handle: async ({ body }, ctx) => {
    const scan = await createScan(ctx, {
      ...scanInput(body),
      mode: 'ACTIVE',
      authorisation: { authorised: body.authorised, authorisedBy: body.authorised_by ?? null },
    });
    return { ...queued(scan), authorisation: found(scan.authorisation) };
  },
});

interface ScanStatusData {
  scan: { id: string; status: GqlScanStatus; target: string; error: string | null; findingsSummary: GqlSeverityCounts } | null;
}

const statusSchema = z.object({
  job_id: z.string(),
  status: z.enum(FIXFIRST_STATUS).describe('queued → running → complete | failed.'),
  target: z.string(),
  error: z.string().nullable().describe('Why the scan failed; null otherwise.'),
  findings_summary: z
    .object({ total: z.number().int(), critical: z.number().int(), high: z.number().int(), medium: z.number().int(), low: z.number().int(), info: z.number().int() })
    .describe('Findings by severity. `total` counts every finding, informational ones included (`info`), so total = critical + high + medium + low + info.'),
});

const getScanRoute = route<JobParams, unknown, unknown, z.infer<typeof statusSchema>>({
  operationId: 'fixfirstGetScan',
  dialect: 'fixfirst',
  method: 'get',
  path: '/scan/{job_id}',
  summary: 'Get scan status and summary',
  description: `Poll this endpoint to check scan progress. Status: queued → running → complete | failed. ${CANCELLED_RULE} ${PATH_ID_RULE}`,
  tags: ['Fix First: Scans'],
  auth: 'fixfirst',
  params: jobParams,
  success: {
    status: 200,
    description: 'The scan\'s state and its findings by severity.',
    schema: statusSchema,
    example: { job_id: 'a1b2c3d4-...', status: 'complete', target: 'company.com', error: null, findings_summary: { total: 12, critical: 2, high: 4, medium: 6, low: 0, info: 0 } },
  },
  errors: ['invalid_input', ...COMMON_ERRORS, 'forbidden', 'not_found'],
  operations: ['ScanStatus'],
  handle: async ({ params }, ctx) => {
    const data = await ctx.graphql<ScanStatusData>('ScanStatus', { id: params.job_id });
    const scan = found(data.scan);
    return {
      job_id: scan.id,
      status: STATUS_WORD[scan.status],
      target: scan.target,
      error: scan.status === 'CANCELLED' ? (scan.error ?? CANCELLED_ERROR) : scan.error,
      findings_summary: scan.findingsSummary,
    };
  },
});

interface EnrichedPageData {
  scan: { id: string; status: GqlScanStatus; findings: { edges: { node: GqlEnrichedFinding }[]; pageInfo: GqlPageInfo } } | null;
}

const findingsSchema = z.object({
  job_id: z.string(),
  status: z.enum(FIXFIRST_STATUS),
  total: z.number().int().describe('How many findings `findings` holds.'),
  findings: z.array(enrichedFindingSchema).describe('Every finding of the scan, newest first.'),
});

/** Reads every finding of a scan, 100 at a time; not_found when the scan is not the caller's. */
async function enrichedFindings(ctx: RouteContext, id: string): Promise<{ status: GqlScanStatus; findings: GqlEnrichedFinding[] }> {
  let status: GqlScanStatus = 'QUEUED';
  const findings = await allPages(async (after) => {
    const data = await ctx.graphql<EnrichedPageData>('ScanEnrichedFindings', { id, after });
    const scan = found(data.scan);
    status = scan.status;
    return { nodes: scan.findings.edges.map((e) => e.node), pageInfo: scan.findings.pageInfo };
  });
  return { status, findings };
}

const getFindingsRoute = route<JobParams, unknown, unknown, z.infer<typeof findingsSchema>>({
  operationId: 'fixfirstGetScanFindings',
  dialect: 'fixfirst',
  method: 'get',
  path: '/scan/{job_id}/findings',
  summary: 'Get full findings with intelligence enrichment',
  description: `Returns all validated findings of the scan (every page, not only the first) enriched with CISA KEV, EPSS, MITRE ATT&CK, D3FEND, CWE, CIS Controls and ISO 27001:2022 Annex A mappings, as an object \`{ job_id, status, total, findings }\` so it can grow without breaking callers. A scan still running returns the findings recorded so far. ${PATH_ID_RULE}`,
  tags: ['Fix First: Scans'],
  auth: 'fixfirst',
  params: jobParams,
  success: {
    status: 200,
    description: 'The scan\'s findings, each with the enrichment fields.',
    schema: findingsSchema,
    example: {
      job_id: 'a1b2c3d4-...',
      status: 'complete',
      total: 1,
      findings: [
        {
          id: '0190f3c2-...',
          finding_id: '0190f3c2-...',
          scan_id: 'a1b2c3d4-...',
          check_id: 'network.redis-unauthenticated',
          title: 'Redis Server - Unauthenticated Access',
          severity: 'high',
          description: 'The Redis server answers commands without authentication.',
          evidence: { reply: '+PONG' },
          remediation: 'Require authentication (requirepass / ACL) and bind Redis to private interfaces.',
          target: '203.0.113.10',
          location: '6379/tcp',
          confidence: 'CONFIRMED',
          fixfirst_score: 8.4,
          fixfirst_priority: 'high',
          fix_urgency: 'urgent',
          kev_flagged: false,
          known_ransomware_use: false,
          cve_ids: [],
          epss_score: 0.247,
          epss_percentile: 0.96,
          mitre_tactic_id: 'TA0001',
          mitre_tactic_name: 'Initial Access',
          mitre_technique_id: 'T1190',
          mitre_technique_name: 'Exploit Public-Facing Application',
          d3fend_countermeasures: '[{"id":"D3-NI","name":"Network Isolation"}]',
          d3fend_countermeasures_list: [{ id: 'D3-NI', name: 'Network Isolation' }],
          cwe_id: 'CWE-306',
          cwe_name: 'Missing Authentication for Critical Function',
          cis_control_id: 'CIS-5',
          cis_safeguard_id: '5.2',
          iso27001_control_id: 'A.8.20',
          iso27001_control_name: 'Networks Security',
          status: 'open',
          fingerprint: '5f2c…',
          first_seen: '2026-05-07T14:00:23Z',
          last_seen: '2026-05-07T14:00:23Z',
          fixed_at: null,
          regressed: false,
          occurrences: 1,
          created_at: '2026-05-07T14:00:23Z',
        },
      ],
    },
  },
  errors: ['invalid_input', ...COMMON_ERRORS, 'forbidden', 'not_found'],
  operations: ['ScanEnrichedFindings'],
  handle: async ({ params }, ctx) => {
    const id = params.job_id;
    const { status, findings } = await enrichedFindings(ctx, id);
    return { job_id: id, status: STATUS_WORD[status], total: findings.length, findings: findings.map(toEnrichedFinding) };
  },
});

/** The Fix First dialect's scan routes. */
export const fixfirstScanRoutes: RouteDef[] = [createScanRoute, createAuthorisedScanRoute, getScanRoute, getFindingsRoute];
