import type { ReportData, ReportFinding } from '../../../rest-adapter/src/reports/report-data.js';

/** ReportData as the report's GraphQL operation returns it, for template and print tests. */
let n = 0;
export function finding(over: Partial<ReportFinding> = {}): ReportFinding {
  n++;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    checkId: 'headers.csp-missing',
    severity: 'MEDIUM',
    title: `Finding ${n}`,
    description: 'A description',
    evidence: { header: 'server', value: 'x' },
    remediation: 'Fix it',
    cweId: 'CWE-1021',
    cweName: 'Improper Restriction of Rendered UI Layers',
    target: 'http://127.0.0.66/',
    location: 'content-security-policy',
    cveIds: [],
    confidence: 'FIRM',
    kevFlagged: false,
    knownRansomwareUse: false,
    epssScore: null,
    epssPercentile: null,
    mitreTechniqueId: 'T1189',
    mitreTechniqueName: 'Drive-by Compromise',
    mitreTacticId: 'TA0001',
    mitreTacticName: 'Initial Access',
    d3fendCountermeasures: [{ id: 'D3-ACH', name: 'Application Configuration Hardening' }],
    cisControlId: '4.1',
    iso27001ControlId: 'A.8.9',
    iso27001ControlName: 'Configuration management',
    fixfirstScore: 5.2,
    fixfirstPriority: 'medium',
    fixUrgency: 'soon',
    status: 'OPEN',
    firstSeen: '2025-03-01T10:00:00Z',
    lastSeen: '2025-03-01T10:00:00Z',
    fixedAt: null,
    regressed: false,
    occurrences: 1,
    history: [{ at: '2025-03-01T10:00:00Z', actorKind: 'scanner', updatedBy: null, from: null, to: 'OPEN', note: null }],
    ...over,
  };
}

export function data(findings: ReportFinding[], over: Partial<ReportData['scan']> = {}): ReportData {
  const counts = { total: findings.length, critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) counts[f.severity.toLowerCase() as 'critical']++;
  const scan: ReportData['scan'] = {
    id: '00000000-0000-4000-8000-0000000000aa',
    target: 'http://127.0.0.66/',
    targetType: 'URL',
    profile: 'STANDARD',
    mode: 'PASSIVE',
    status: 'COMPLETED',
    error: null,
    triggeredBy: 'api',
    createdAt: '2025-03-01T09:59:00Z',
    startedAt: '2025-03-01T09:59:30Z',
    completedAt: '2025-03-01T10:00:30Z',
    findingsSummary: counts,
    stats: { hosts: 1, hostsReachable: 1, requests: 12, probesRun: 9, probesFailed: 0, findings: findings.length, deadlineReached: false, budgetExhausted: false, durationMs: 60_000, errors: [] },
    authorisation: null,
    client: { id: 'c1', name: 'Acme', company: null, account: { id: 'a1', name: 'MSP' } },
    ...over,
  };
  return {
    scan,
    findings,
    checks: [
      { id: 'headers.csp-missing', title: 'Content-Security-Policy missing', category: 'headers', mode: 'PASSIVE', profile: 'LIGHT' },
      { id: 'tls.legacy-protocol', title: 'Weak TLS protocol', category: 'tls', mode: 'PASSIVE', profile: 'LIGHT' },
    ],
    history: [
      { id: 'old', target: scan.target, status: 'COMPLETED', createdAt: '2025-02-01T00:00:00Z', completedAt: null, client: { id: 'c1' }, findingsSummary: { total: 3, critical: 1, high: 1, medium: 1, low: 0, info: 0 } },
      { id: scan.id, target: scan.target, status: 'COMPLETED', createdAt: scan.createdAt, completedAt: null, client: { id: 'c1' }, findingsSummary: counts },
    ],
  };
}

