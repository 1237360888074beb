import type { CheckDefinition } from '../check.js';
import type { FindingDraft, FindingSeverity } from '../finding-draft.js';
import { analyzeHeaders } from '../probes/web/header-analysis.js';
import { CLICKJACKING, CSP_MISSING, HSTS_MISSING, NOSNIFF_MISSING, REFERRER_MISSING } from '../probes/web/headers.checks.js';
import { evidenceHeaders, mediaType } from '../probes/web/web-http.js';

/**
 * The foundation's header check, kept for callers that judge one response outside the probe
 * engine. The rules live in probes/web (the `headers` probe); this reports only the five
 * check ids the foundation published, with the same titles, severities and CWEs.
 */
export interface SecurityHeaderCheck {
  checkId: string;
  title: string;
  severity: FindingSeverity;
  cweId: string | null;
}

const LEGACY: readonly CheckDefinition[] = [HSTS_MISSING, CSP_MISSING, NOSNIFF_MISSING, CLICKJACKING, REFERRER_MISSING];

/** Every check this function can report, for the foundation's catalogue. */
export const SECURITY_HEADER_CHECKS: readonly SecurityHeaderCheck[] = LEGACY.map((c) => ({
  checkId: c.id,
  title: c.title,
  severity: c.severity,
  cweId: c.cweId,
}));

/** The parts of a response the header checks read. */
export interface HeaderCheckInput {
  url: string;
  status: number;
  headers: Record<string, string | string[]>;
}

/** Reports each missing or ineffective browser security header on one (final) response. */
export function checkSecurityHeaders(res: HeaderCheckInput): FindingDraft[] {
  const type = mediaType(res.headers);
  // Without a body to sniff, a response with no Content-Type is judged as the page it most likely is.
  const document = type === '' || type === 'text/html' || type === 'application/xhtml+xml';
  const headers = evidenceHeaders(res.headers);
  const findings: FindingDraft[] = [];
  for (const issue of analyzeHeaders({ url: res.url, status: res.status, headers: res.headers, document, html: '' })) {
    const check = LEGACY.find((c) => c.id === issue.checkId);
    if (!check) continue;
    findings.push({
      checkId: check.id,
      severity: check.severity,
      title: check.title,
      description: issue.description,
      evidence: { url: res.url, status: res.status, headers },
      remediation: check.remediation,
      cweId: check.cweId,
      target: res.url,
    });
  }
  return findings;
}
