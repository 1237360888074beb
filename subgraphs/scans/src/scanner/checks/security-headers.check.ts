import type { FindingDraft, FindingSeverity } from '../finding-draft.js';

/** Catalogue entry for one header check: what it is called and how bad a miss is. */
export interface SecurityHeaderCheck {
  checkId: string;
  title: string;
  severity: FindingSeverity;
  cweId: string;
}

/** Every check this module can report, for the check catalogue. */
export const SECURITY_HEADER_CHECKS = [
  {
    checkId: 'headers.hsts-missing',
    title: 'Missing HTTP Strict-Transport-Security header',
    severity: 'MEDIUM',
    cweId: 'CWE-319',
  },
  {
    checkId: 'headers.csp-missing',
    title: 'Missing Content-Security-Policy header',
    severity: 'MEDIUM',
    cweId: 'CWE-693',
  },
  {
    checkId: 'headers.x-content-type-options-missing',
    title: 'Missing X-Content-Type-Options: nosniff header',
    severity: 'LOW',
    cweId: 'CWE-693',
  },
  {
    checkId: 'headers.clickjacking-protection-missing',
    title: 'Missing clickjacking protection (X-Frame-Options or CSP frame-ancestors)',
    severity: 'MEDIUM',
    cweId: 'CWE-1021',
  },
  {
    checkId: 'headers.referrer-policy-missing',
    title: 'Missing Referrer-Policy header',
    severity: 'LOW',
    cweId: 'CWE-200',
  },
] as const satisfies readonly SecurityHeaderCheck[];

export type SecurityHeaderCheckId = (typeof SECURITY_HEADER_CHECKS)[number]['checkId'];

const REMEDIATION: Record<SecurityHeaderCheckId, string> = {
  'headers.hsts-missing':
    'Send `Strict-Transport-Security: max-age=31536000; includeSubDomains` on every HTTPS response ' +
    '(add `preload` once every subdomain serves HTTPS), and redirect plain HTTP to HTTPS.',
  'headers.csp-missing':
    'Define a policy that allows only the sources the page needs, for example ' +
    "`Content-Security-Policy: default-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'`. " +
    'Trial it with Content-Security-Policy-Report-Only, then enforce it.',
  'headers.x-content-type-options-missing':
    'Send `X-Content-Type-Options: nosniff` on every response and serve each resource with its correct Content-Type.',
  'headers.clickjacking-protection-missing':
    "Send `Content-Security-Policy: frame-ancestors 'self'` (or `'none'` if the site is never framed), " +
    'plus `X-Frame-Options: DENY` or `X-Frame-Options: SAMEORIGIN` for older browsers.',
  'headers.referrer-policy-missing':
    'Send `Referrer-Policy: strict-origin-when-cross-origin` (or `no-referrer` for sensitive applications) ' +
    'so full URLs, which may carry tokens or identifiers, are not sent to other sites.',
};

/** The parts of a response the header checks read. */
export interface HeaderCheckInput {
  url: string;
  status: number;
  headers: Record<string, string | string[]>;
}

/** Reports each missing or ineffective browser security header on one (final) response. */
export function checkSecurityHeaders(res: HeaderCheckInput): FindingDraft[] {
  const headers = lowerCaseHeaders(res.headers);
  const values = (name: string): string[] => {
    const value = headers[name];
    return (value === undefined ? [] : Array.isArray(value) ? value : [value]).map((v) => v.trim()).filter(Boolean);
  };
  // The first comma-separated value, as browsers read X-Content-Type-Options and X-Frame-Options.
  const firstToken = (name: string): string | undefined => values(name).join(',').split(',')[0]!.trim() || undefined;
  const findings: FindingDraft[] = [];
  const report = (checkId: SecurityHeaderCheckId, description: string): void => {
    const check = SECURITY_HEADER_CHECKS.find((c) => c.checkId === checkId)!;
    findings.push({
      checkId,
      severity: check.severity,
      title: check.title,
      description,
      evidence: { url: res.url, status: res.status, headers },
      remediation: REMEDIATION[checkId],
      cweId: check.cweId,
      target: res.url,
    });
  };

  if (isHttps(res.url)) {
    const hsts = values('strict-transport-security');
    const maxAge = /(?:^|;)\s*max-age\s*=\s*"?(\d+)"?\s*(?:;|$)/i.exec(hsts[0] ?? '')?.[1];
    if (hsts.length === 0) {
      report('headers.hsts-missing', `${res.url} does not send Strict-Transport-Security, so browsers may still reach it over unencrypted HTTP and a network attacker can strip TLS.`);
    } else if (maxAge === undefined || Number(maxAge) === 0) {
      report('headers.hsts-missing', `${res.url} sends Strict-Transport-Security "${hsts[0]}" without a positive max-age, so browsers do not enforce HTTPS for the site.`);
    }
  }

  const csp = values('content-security-policy');
  if (csp.length === 0) {
    const reportOnly = values('content-security-policy-report-only').length > 0;
    report(
      'headers.csp-missing',
      `${res.url} does not send Content-Security-Policy${reportOnly ? ' (only Content-Security-Policy-Report-Only, which reports but does not block)' : ''}, so the browser has no second line of defence against cross-site scripting and injected content.`,
    );
  }

  const nosniff = firstToken('x-content-type-options');
  if (nosniff === undefined) {
    report('headers.x-content-type-options-missing', `${res.url} does not send X-Content-Type-Options, so browsers may MIME-sniff responses and run content as a type the server did not intend.`);
  } else if (nosniff.toLowerCase() !== 'nosniff') {
    report('headers.x-content-type-options-missing', `${res.url} sends X-Content-Type-Options "${nosniff}" instead of "nosniff", so browsers ignore it and may MIME-sniff responses.`);
  }

  const frameOptions = firstToken('x-frame-options');
  const frameOptionsOk = frameOptions !== undefined && ['DENY', 'SAMEORIGIN'].includes(frameOptions.toUpperCase());
  if (!frameOptionsOk && !hasFrameAncestors(csp)) {
    const xfo = frameOptions === undefined ? 'no X-Frame-Options' : `X-Frame-Options "${frameOptions}", which browsers do not honour,`;
    report('headers.clickjacking-protection-missing', `${res.url} sends ${xfo} and no Content-Security-Policy frame-ancestors directive, so other sites can frame it and trick users into clicking (clickjacking).`);
  }

  if (values('referrer-policy').length === 0) {
    report('headers.referrer-policy-missing', `${res.url} does not send Referrer-Policy, so its URLs (which may contain identifiers or tokens) can leak to other sites through the Referer header, depending on browser defaults.`);
  }
  return findings;
}

function lowerCaseHeaders(headers: Record<string, string | string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    const existing = out[key];
    out[key] = existing === undefined ? value : [existing, value].flat();
  }
  return out;
}

function hasFrameAncestors(policies: string[]): boolean {
  return policies
    .flatMap((policy) => policy.split(/[,;]/))
    .some((directive) => directive.trim().split(/\s+/)[0]?.toLowerCase() === 'frame-ancestors');
}

function isHttps(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}
