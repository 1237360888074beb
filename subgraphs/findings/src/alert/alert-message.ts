import type { Severity } from '../finding/finding.entity.js';

/** What an alert is about. */
export type AlertEvent = 'SCAN_FINDINGS' | 'SCAN_FAILED' | 'KEV_ADDED' | 'TEST';

/** One finding as an alert lists it. Title, target and location come from scanned targets: renderers escape them. */
export interface AlertItem {
  findingId: string;
  scanId: string;
  severity: Severity;
  title: string;
  target: string;
  location: string | null;
  kev: boolean;
  cveIds: string[];
  /** Why it is listed beyond severity: first seen by this scan, or back after being fixed. */
  isNew: boolean;
  regressed: boolean;
}

/**
 * The channel-neutral content of one alert, stored with its delivery; each delivery attempt
 * renders it for its channel (Slack, Teams, email, webhook) and signs fresh report links.
 */
export interface AlertMessage {
  event: AlertEvent;
  clientId: string;
  clientName: string;
  /** The scan it is about (SCAN_*; TEST names none). */
  scan: { id: string; target: string; status: string; error: string | null } | null;
  /** KEV_ADDED: the feed load (feed name and when it was loaded). */
  feed: { name: string; loadedAt: string } | null;
  /** The listed findings, most urgent first, at most ALERT_MAX_LISTED. */
  items: AlertItem[];
  /** Matching findings in all (items.length + the ones counted as "and N more"). */
  total: number;
  at: string;
}

const SEVERITY_RANK: Record<Severity, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3, INFO: 4 };

/** KEV first, then by severity, then new and regressed ones, then title: what to fix first. */
export function byUrgency(a: AlertItem, b: AlertItem): number {
  return (
    Number(b.kev) - Number(a.kev) ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    Number(b.regressed) - Number(a.regressed) ||
    Number(b.isNew) - Number(a.isNew) ||
    a.title.localeCompare(b.title)
  );
}

/** The one-line headline every channel starts with. */
export function headline(m: AlertMessage): string {
  switch (m.event) {
    case 'SCAN_FINDINGS':
      return `${m.total} finding${m.total === 1 ? '' : 's'} to act on for ${m.clientName} (scan of ${m.scan?.target ?? '?'})`;
    case 'SCAN_FAILED':
      return `Scan of ${m.scan?.target ?? '?'} for ${m.clientName} failed`;
    case 'KEV_ADDED':
      return `${m.total} finding${m.total === 1 ? '' : 's'} of ${m.clientName} newly in CISA KEV`;
    case 'TEST':
      return `Test alert for ${m.clientName}: this channel works`;
  }
}

/** "where" of a finding: its target and, when known, the place on it. */
export function whereOf(i: AlertItem): string {
  return i.location ? `${i.target} (${i.location})` : i.target;
}

/** The sample a `testAlert` sends through the real pipeline. */
export function sampleMessage(clientId: string, clientName: string, at = new Date()): AlertMessage {
  const scanId = '00000000-0000-4000-8000-000000000000';
  const item = (over: Partial<AlertItem>): AlertItem => ({
    findingId: '00000000-0000-4000-8000-000000000001',
    scanId,
    severity: 'CRITICAL',
    title: 'Sample: Apache HTTP Server path traversal (CVE-2021-41773)',
    target: 'https://example.com/',
    location: 'Server header',
    kev: true,
    cveIds: ['CVE-2021-41773'],
    isNew: true,
    regressed: false,
    ...over,
  });
  const items = [item({}), item({ findingId: '00000000-0000-4000-8000-000000000002', severity: 'HIGH', title: 'Sample: TLS certificate expires in 5 days', kev: false, cveIds: [], location: null })];
  return { event: 'TEST', clientId, clientName, scan: null, feed: null, items, total: items.length, at: at.toISOString() };
}
