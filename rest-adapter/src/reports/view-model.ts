import type { GqlSeverityCounts } from '../routes/shared.js';
import { brandOf, type Brand } from './branding.js';
import { severityChart, trendChart, type SeverityChart, type TrendChart } from './charts.js';
import { clip } from './clip.js';
import { checksRun, complianceTables, type FrameworkTable } from './compliance.js';
import { printEvidence, redactText, type PrintedEvidence } from './evidence.js';
import type { ReportData, ReportFinding } from './report-data.js';

export type ReportKind = 'executive' | 'technical' | 'compliance';
export type Paper = 'A4' | 'Letter';

const TITLES: Record<ReportKind, string> = { executive: 'Executive summary', technical: 'Technical findings report', compliance: 'Compliance mapping report' };
const PRIORITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
const PRIORITY_LABEL: Record<string, string> = { critical: 'Critical priority', high: 'High priority', medium: 'Medium priority', low: 'Low priority', info: 'Informational' };
const URGENCY_WORDS: Record<string, string> = { immediate: 'within 48 hours', urgent: 'within 7 days', soon: 'within 30 days', planned: 'within 90 days', none: 'no deadline' };
const STATUS_WORDS: Record<string, string> = { OPEN: 'Open', IN_PROGRESS: 'In progress', FIXED: 'Fixed', ACCEPTED_RISK: 'Risk accepted' };

/** Everything every report shows: cover, header, scan facts. */
export interface BaseView {
  kind: ReportKind;
  title: string;
  documentTitle: string;
  brand: Brand;
  paper: Paper;
  generatedAt: string;
  scan: {
    id: string;
    target: string;
    targetType: string;
    profile: string;
    mode: string;
    status: string;
    triggeredBy: string;
    created: string;
    started: string;
    completed: string;
    duration: string;
  };
  client: { name: string; company: string | null };
  /** FAILED, CANCELLED, or not finished yet: the report is a status page instead. */
  notice: { heading: string; reason: string; when: string; advice: string } | null;
  counts: GqlSeverityCounts;
}

/** `2025-01-02 13:45 UTC` (reports are read on paper: no time zones to guess). */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

const isOpen = (f: ReportFinding): boolean => f.status === 'OPEN' || f.status === 'IN_PROGRESS';
/** KEV first, then ransomware use, then the score, then EPSS: the order risks are told in. */
function riskOrder(a: ReportFinding, b: ReportFinding): number {
  return Number(b.kevFlagged) - Number(a.kevFlagged) || Number(b.knownRansomwareUse) - Number(a.knownRansomwareUse) || b.fixfirstScore - a.fixfirstScore || (b.epssScore ?? 0) - (a.epssScore ?? 0);
}

function noticeOf(data: ReportData): BaseView['notice'] {
  const s = data.scan;
  if (s.status === 'FAILED' || s.status === 'CANCELLED') {
    return {
      heading: s.status === 'CANCELLED' ? 'This scan was cancelled' : 'This scan failed',
      reason: s.error ?? (s.status === 'CANCELLED' ? 'The scan was cancelled before it finished.' : 'The scan stopped without recording a reason.'),
      when: when(s.completedAt ?? s.startedAt ?? s.createdAt),
      advice:
        'No findings from this run are reported, and the absence of findings here says nothing about the target. Check that the target is reachable from the scanner and allowed by its policy, then start a new scan; if it fails again, send the scan id to support.',
    };
  }
  if (s.status === 'QUEUED' || s.status === 'RUNNING') {
    return {
      heading: 'This scan has not finished',
      reason: s.status === 'QUEUED' ? 'The scan is queued and has not started.' : 'The scan is still running.',
      when: when(s.startedAt ?? s.createdAt),
      advice: 'Open this report again when the scan has completed; its status is at GET /scan/{job_id}.',
    };
  }
  return null;
}

export function baseView(kind: ReportKind, data: ReportData, paper: Paper, now = new Date()): BaseView {
  const s = data.scan;
  const brand = brandOf(s.client.account.name, s.client.account.branding);
  return {
    kind,
    title: TITLES[kind],
    documentTitle: `${TITLES[kind]}: ${s.target}`,
    brand,
    paper,
    generatedAt: when(now.toISOString()),
    scan: {
      id: s.id,
      target: s.target,
      targetType: s.targetType,
      profile: s.profile.toLowerCase(),
      mode: s.mode.toLowerCase(),
      status: s.status.toLowerCase(),
      triggeredBy: s.triggeredBy,
      created: when(s.createdAt),
      started: when(s.startedAt),
      completed: when(s.completedAt),
      duration: duration(s.stats?.durationMs),
    },
    client: { name: s.client.name, company: s.client.company },
    notice: noticeOf(data),
    counts: s.findingsSummary,
  };
}

/**
 * The overall rating (stated in the report): from the worst priority among findings still open
 * (open or in progress), raised one step when there are many at that level.
 *  - any critical, or five or more high → Critical;  any high, or ten or more medium → High;
 *  - any medium → Moderate;  any low → Low;  otherwise (info only, or nothing) → Good.
 */
export const RATING_RULE =
  'Rating: the worst priority still open decides; five or more high rate Critical, ten or more medium rate High.';

export function ratingOf(findings: ReportFinding[]): { label: string; key: string } {
  const open = findings.filter(isOpen);
  const n = (p: string): number => open.filter((f) => f.fixfirstPriority === p).length;
  if (n('critical') > 0 || n('high') >= 5) return { label: 'Critical', key: 'critical' };
  if (n('high') > 0 || n('medium') >= 10) return { label: 'High', key: 'high' };
  if (n('medium') > 0) return { label: 'Moderate', key: 'medium' };
  if (n('low') > 0) return { label: 'Low', key: 'low' };
  return { label: 'Good', key: 'good' };
}

export interface RiskLine {
  id: string;
  title: string;
  /** The title cut shorter, for the one-line entries of "this week". */
  shortTitle: string;
  /** Target and location, for the top risks. */
  where: string;
  /** The location alone (path, port, header), for the short lines of "this week". */
  place: string | null;
  why: string;
  deadline: string;
  kev: boolean;
  severityKey: string;
}

/**
 * The executive summary is one page: at most this many top risks, and this many more findings
 * due this week (the rest are counted, and listed in the technical report).
 */
export const EXECUTIVE_TOP_RISKS = 5;
export const EXECUTIVE_THIS_WEEK = 5;
/** Longest title, place and location the one-page summary prints; longer ones end in an ellipsis. */
const EXECUTIVE_TITLE_CHARS = 80;
const EXECUTIVE_PLACE_CHARS = 60;
const EXECUTIVE_LOCATION_CHARS = 30;
const EXECUTIVE_WEEK_TITLE_CHARS = 70;


function riskLine(f: ReportFinding): RiskLine {
  // One short reason, the strongest: the line must stay within two printed lines.
  const why =
    f.kevFlagged && f.knownRansomwareUse
      ? 'Exploited by attackers today (CISA KEV), including in ransomware.'
      : f.kevFlagged
        ? 'Exploited by attackers today (CISA KEV).'
        : f.epssScore !== null && f.epssScore >= 0.01
          ? `About ${Math.round(f.epssScore * 100)}% chance of exploitation in the next 30 days (EPSS).`
          : `Rated ${f.fixfirstPriority} priority (score ${f.fixfirstScore.toFixed(1)} of 10).`;
  return {
    id: f.id,
    title: clip(f.title, EXECUTIVE_TITLE_CHARS),
    shortTitle: clip(f.title, EXECUTIVE_WEEK_TITLE_CHARS),
    where: clip(f.location ? `${f.target} (${f.location})` : f.target, EXECUTIVE_PLACE_CHARS),
    place: f.location ? clip(f.location, EXECUTIVE_LOCATION_CHARS) : null,
    why,
    deadline: URGENCY_WORDS[f.fixUrgency] ?? f.fixUrgency,
    kev: f.kevFlagged,
    severityKey: f.severity.toLowerCase(),
  };
}

export interface ExecutiveView extends BaseView {
  /** The scan's target, cut to fit the summary's sentence (the cover has it whole). */
  targetShort: string;
  rating: { label: string; key: string };
  ratingRule: string;
  openCount: number;
  severityChart: SeverityChart;
  trend: TrendChart | null;
  trendNote: string;
  topRisks: RiskLine[];
  thisWeek: RiskLine[];
  thisWeekMore: number;
  /** Whether some top risk is itself due this week (the list below then says "also"). */
  thisWeekAll: boolean;
}

export function executiveView(data: ReportData, paper: Paper): ExecutiveView {
  const base = baseView('executive', data, paper);
  const open = data.findings.filter(isOpen).sort(riskOrder);
  const points = data.history.filter((s) => s.status === 'COMPLETED' || s.id === data.scan.id).slice(-8);
  const top = open.slice(0, EXECUTIVE_TOP_RISKS);
  // Due within seven days and not already among the top risks.
  const week = open.slice(EXECUTIVE_TOP_RISKS).filter((f) => f.fixUrgency === 'immediate' || f.fixUrgency === 'urgent');
  return {
    ...base,
    targetShort: clip(data.scan.target, EXECUTIVE_PLACE_CHARS),
    rating: ratingOf(data.findings),
    ratingRule: RATING_RULE,
    openCount: open.length,
    severityChart: severityChart(base.counts),
    trend: points.length >= 2 ? trendChart(points.map((p) => ({ date: p.createdAt, counts: p.findingsSummary, current: p.id === data.scan.id }))) : null,
    trendNote:
      points.length >= 2
        ? `Findings per scan of ${clip(data.scan.target, EXECUTIVE_PLACE_CHARS)} for this client, last ${points.length} scans (this one on the right).`
        : 'This is the first completed scan of this target for this client: the trend starts with the next scan.',
    topRisks: top.map(riskLine),
    thisWeek: week.slice(0, EXECUTIVE_THIS_WEEK).map(riskLine),
    thisWeekMore: Math.max(0, week.length - EXECUTIVE_THIS_WEEK),
    thisWeekAll: top.some((f) => f.fixUrgency === 'immediate' || f.fixUrgency === 'urgent'),
  };
}

export interface FindingCard {
  id: string;
  title: string;
  severityKey: string;
  severity: string;
  score: string;
  priority: string;
  urgency: string;
  status: string;
  target: string;
  location: string | null;
  checkId: string;
  confidence: string;
  cves: string[];
  kev: boolean;
  ransomware: boolean;
  epss: string | null;
  cwe: string | null;
  attack: string | null;
  d3fend: string[];
  cis: string | null;
  iso: string | null;
  description: string;
  remediation: string;
  evidence: PrintedEvidence;
  firstSeen: string;
  lastSeen: string;
  occurrences: number;
  regressed: boolean;
  history: { at: string; change: string; by: string; note: string | null }[];
}

function card(f: ReportFinding): FindingCard {
  return {
    id: f.id,
    title: f.title,
    severityKey: f.severity.toLowerCase(),
    severity: f.severity.charAt(0) + f.severity.slice(1).toLowerCase(),
    score: f.fixfirstScore.toFixed(1),
    priority: f.fixfirstPriority,
    urgency: `${f.fixUrgency} (${URGENCY_WORDS[f.fixUrgency] ?? ''})`,
    status: STATUS_WORDS[f.status] ?? f.status,
    target: f.target,
    location: f.location,
    checkId: f.checkId,
    confidence: f.confidence.toLowerCase(),
    cves: f.cveIds,
    kev: f.kevFlagged,
    ransomware: f.knownRansomwareUse,
    epss: f.epssScore === null ? null : `${(f.epssScore * 100).toFixed(1)}%${f.epssPercentile !== null ? ` (percentile ${(f.epssPercentile * 100).toFixed(0)})` : ''}`,
    cwe: f.cweId ? `${f.cweId}${f.cweName ? ` ${f.cweName}` : ''}` : null,
    attack: f.mitreTechniqueId ? `${f.mitreTechniqueId} ${f.mitreTechniqueName ?? ''}${f.mitreTacticId ? ` (${f.mitreTacticId} ${f.mitreTacticName ?? ''})` : ''}`.trim() : null,
    d3fend: f.d3fendCountermeasures.map((d) => `${d.id} ${d.name}`),
    cis: f.cisControlId,
    iso: f.iso27001ControlId ? `${f.iso27001ControlId} ${f.iso27001ControlName ?? ''}`.trim() : null,
    description: redactText(f.description),
    remediation: redactText(f.remediation),
    evidence: printEvidence(f.evidence),
    firstSeen: when(f.firstSeen),
    lastSeen: when(f.lastSeen),
    occurrences: f.occurrences,
    regressed: f.regressed,
    history: f.history.map((h) => ({
      at: when(h.at),
      change: h.from ? `${STATUS_WORDS[h.from] ?? h.from} → ${STATUS_WORDS[h.to] ?? h.to}` : `First seen: ${STATUS_WORDS[h.to] ?? h.to}`,
      by: h.updatedBy ?? (h.actorKind === 'scanner' ? 'scanner' : 'API user'),
      note: h.note,
    })),
  };
}

export interface TechnicalView extends BaseView {
  groups: { key: string; label: string; count: number; cards: FindingCard[] }[];
  total: number;
  stats: ReportData['scan']['stats'];
  checksRun: number;
  authorisation: (NonNullable<ReportData['scan']['authorisation']> & { createdAtText: string; verifiedAtText: string }) | null;
}

export function technicalView(data: ReportData, paper: Paper): TechnicalView {
  const base = baseView('technical', data, paper);
  const a = data.scan.authorisation;
  return {
    ...base,
    total: data.findings.length,
    groups: PRIORITIES.map((p) => {
      const cards = data.findings.filter((f) => f.fixfirstPriority === p).sort(riskOrder).map(card);
      return { key: p, label: PRIORITY_LABEL[p]!, count: cards.length, cards };
    }).filter((g) => g.count > 0),
    stats: data.scan.stats,
    checksRun: checksRun(data).length,
    authorisation: a ? { ...a, createdAtText: when(a.createdAt), verifiedAtText: when(a.proof.verifiedAt) } : null,
  };
}

export interface ComplianceView extends BaseView {
  tables: FrameworkTable[];
  checksRun: number;
  rule: string;
}

export function complianceView(data: ReportData, paper: Paper): ComplianceView {
  return {
    ...baseView('compliance', data, paper),
    tables: complianceTables(data),
    checksRun: checksRun(data).length,
    rule:
      'Failed: a finding of this scan that is not fixed maps to the control (an accepted risk still fails). Passed: the scan completed and ran at least one check that maps to the control, and none of them found anything. Not assessed: no check of this scan\'s profile and mode observes the control from outside, or the scan did not complete. A pass covers only what an external scan can observe.',
  };
}
