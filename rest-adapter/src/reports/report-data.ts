import { RestError } from '../errors.js';
import type { RouteContext } from '../route.js';
import type { GqlEnrichedFinding } from '../routes/finding-mappers.js';
import type { GqlFindingStatus, GqlPageInfo, GqlScanStatus, GqlSeverityCounts } from '../routes/shared.js';

/** The committed operation every report is read with (rest-adapter/operations/ReportData.graphql). */
export const REPORT_OPERATION = 'ReportData';
/**
 * Findings per page: each carries its history, so a page of 25 stays well inside the gateway's
 * cost limit together with the scans and checks of the first call.
 */
const PAGE_SIZE = 25;
/** More than a report can usefully print; a scan above it is refused rather than cut silently. */
export const MAX_REPORT_FINDINGS = 5000;

export interface ReportHistoryEntry {
  at: string;
  actorKind: string;
  updatedBy: string | null;
  from: GqlFindingStatus | null;
  to: GqlFindingStatus;
  note: string | null;
}

/**
 * A finding as the report reads it: the enriched finding of the REST findings route (without the
 * ids the report does not print), plus the Canadian frameworks and the status history.
 */
export interface ReportFinding extends Omit<GqlEnrichedFinding, 'scanId' | 'fingerprint' | 'createdAt'> {
  /** Canadian frameworks, where the deployment's schema has them (absent otherwise). */
  cccsControls?: { id: string; name: string }[];
  itsg33Families?: { id: string; name: string }[];
  history: ReportHistoryEntry[];
}

export interface ReportCheck {
  id: string;
  title: string;
  category: string;
  mode: 'PASSIVE' | 'ACTIVE';
  profile: 'LIGHT' | 'STANDARD' | 'AGGRESSIVE';
}

export interface ReportScanStats {
  hosts: number;
  hostsReachable: number;
  requests: number;
  probesRun: number;
  probesFailed: number;
  findings: number;
  deadlineReached: boolean;
  budgetExhausted: boolean;
  durationMs: number;
  errors: string[];
}

export interface ReportAuthorisation {
  authorised: boolean;
  authorisedBy: string | null;
  statement: string;
  source: string;
  target: string;
  createdBy: string;
  createdAt: string;
  sourceIp: string | null;
  proof: { kind: string; domain: string | null; method: string | null; verifiedAt: string | null; attestedTarget: string | null };
}

export interface ReportBranding {
  displayName: string | null;
  logoDataUrl: string | null;
  accentColor: string | null;
}

export interface ReportScan {
  id: string;
  target: string;
  targetType: string;
  profile: 'LIGHT' | 'STANDARD' | 'AGGRESSIVE';
  mode: 'PASSIVE' | 'ACTIVE';
  status: GqlScanStatus;
  error: string | null;
  triggeredBy: string;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  findingsSummary: GqlSeverityCounts;
  stats: ReportScanStats | null;
  authorisation: ReportAuthorisation | null;
  client: { id: string; name: string; company: string | null; account: { id: string; name: string; branding?: ReportBranding | null } };
}

export interface ReportPastScan {
  id: string;
  target: string;
  status: GqlScanStatus;
  createdAt: string;
  completedAt: string | null;
  client: { id: string };
  findingsSummary: GqlSeverityCounts;
}

/** Everything one report is rendered from. */
export interface ReportData {
  scan: ReportScan;
  findings: ReportFinding[];
  checks: ReportCheck[];
  /** The same client's scans of the same target (this one included), oldest first. */
  history: ReportPastScan[];
}

interface FindingsPage {
  edges: { node: ReportFinding }[];
  pageInfo: GqlPageInfo;
}
interface FullAnswer {
  me: { scopes: string[] };
  checks: ReportCheck[];
  scans: { edges: { node: ReportPastScan }[] };
  scan: (ReportScan & { findings: FindingsPage }) | null;
}
interface PageAnswer {
  scan: { id: string; findings: FindingsPage } | null;
}

/**
 * Reads a report's data through the gateway with the caller's credentials: the first call for the
 * scan and its context, then the findings connection to its end. A scan the caller cannot see is
 * not_found; a credential without reports:read is forbidden (the scope exists for this).
 */
export async function loadReportData(ctx: RouteContext, scanId: string): Promise<ReportData> {
  const first = await ctx.graphql<FullAnswer>(REPORT_OPERATION, { id: scanId, after: null, pageSize: PAGE_SIZE, full: true });
  if (!first.scan) throw new RestError('not_found');
  if (!first.me.scopes.includes('reports:read')) {
    throw new RestError('forbidden', { message: 'This credential lacks the reports:read scope', reason: 'reports:read' });
  }
  const { findings: page, ...scan } = first.scan;
  const findings = page.edges.map((e) => e.node);
  let info = page.pageInfo;
  while (info.hasNextPage && info.endCursor) {
    if (findings.length >= MAX_REPORT_FINDINGS) {
      throw new RestError('conflict', { message: `This scan has more than ${MAX_REPORT_FINDINGS} findings, more than a report can print; use GET /scan/{job_id}/findings` });
    }
    const next = await ctx.graphql<PageAnswer>(REPORT_OPERATION, { id: scanId, after: info.endCursor, pageSize: PAGE_SIZE, full: false });
    if (!next.scan) throw new RestError('not_found');
    findings.push(...next.scan.findings.edges.map((e) => e.node));
    info = next.scan.findings.pageInfo;
  }
  const history = first.scans.edges
    .map((e) => e.node)
    .filter((s) => s.client.id === scan.client.id && s.target === scan.target && s.createdAt <= scan.createdAt)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return { scan, findings, checks: first.checks, history };
}
