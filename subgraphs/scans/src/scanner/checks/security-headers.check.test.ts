import { describe, expect, it } from 'vitest';
import { checkSecurityHeaders, SECURITY_HEADER_CHECKS } from './security-headers.check.js';

const SECURE_HEADERS = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

const ids = (headers: Record<string, string | string[]>, url = 'https://example.com/'): string[] =>
  checkSecurityHeaders({ url, status: 200, headers }).map((f) => f.checkId);

const only = (headers: Record<string, string | string[]>, checkId: string, url = 'https://example.com/') => {
  const found = checkSecurityHeaders({ url, status: 200, headers }).filter((f) => f.checkId === checkId);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('checkSecurityHeaders', () => {
  it('reports nothing when every protection is present', () => {
    expect(ids(SECURE_HEADERS)).toEqual([]);
  });

  it('reports every missing header on a bare HTTPS response', () => {
    expect(ids({ 'content-type': 'text/html' })).toEqual([
      'headers.hsts-missing',
      'headers.csp-missing',
      'headers.x-content-type-options-missing',
      'headers.clickjacking-protection-missing',
      'headers.referrer-policy-missing',
    ]);
  });

  it('does not ask for HSTS on a plain HTTP response', () => {
    expect(ids({}, 'http://example.com/')).not.toContain('headers.hsts-missing');
    expect(ids({}, 'http://example.com/')).toHaveLength(4);
  });

  it('fills a finding from the catalogue with evidence, remediation and the URL as target', () => {
    const finding = only({ 'Content-Type': 'text/html', 'Set-Cookie': ['a=1', 'b=2'] }, 'headers.hsts-missing');
    expect(finding).toMatchObject({
      severity: 'MEDIUM',
      title: 'Missing HTTP Strict-Transport-Security header',
      cweId: 'CWE-319',
      target: 'https://example.com/',
      evidence: {
        url: 'https://example.com/',
        status: 200,
        // cookie values never reach evidence
        headers: { 'content-type': 'text/html', 'set-cookie': ['a=[redacted]', 'b=[redacted]'] },
      },
    });
    expect(finding.remediation).toContain('Strict-Transport-Security: max-age=31536000');
    expect(finding.description).toContain('https://example.com/');
  });

  it('matches header names case-insensitively', () => {
    expect(
      ids({
        'Strict-Transport-Security': 'max-age=600',
        'CONTENT-SECURITY-POLICY': "frame-ancestors 'self'",
        'X-Content-Type-Options': 'NoSniff',
        'Referrer-Policy': 'no-referrer',
      }),
    ).toEqual([]);
  });

  it('treats HSTS without a positive max-age as missing and says so', () => {
    const zero = only({ ...SECURE_HEADERS, 'strict-transport-security': 'max-age=0' }, 'headers.hsts-missing');
    expect(zero.description).toContain('without a positive max-age');
    expect(ids({ ...SECURE_HEADERS, 'strict-transport-security': 'includeSubDomains' })).toEqual(['headers.hsts-missing']);
  });

  it('does not count a report-only CSP as a policy and says why', () => {
    const headers: Record<string, string> = { ...SECURE_HEADERS, 'x-frame-options': 'DENY' };
    delete headers['content-security-policy'];
    headers['content-security-policy-report-only'] = "default-src 'self'";
    const finding = only(headers, 'headers.csp-missing');
    expect(finding.severity).toBe('MEDIUM');
    expect(finding.cweId).toBe('CWE-693');
    expect(finding.description).toContain('Report-Only');
    expect(ids(headers)).toEqual(['headers.csp-missing']);
  });

  it('says whether X-Content-Type-Options is missing or has the wrong value', () => {
    const missing = only({}, 'headers.x-content-type-options-missing');
    expect(missing.severity).toBe('LOW');
    expect(missing.description).toContain('does not send X-Content-Type-Options');
    const wrong = only({ 'x-content-type-options': 'sniff-please' }, 'headers.x-content-type-options-missing');
    expect(wrong.description).toContain('"sniff-please" instead of "nosniff"');
  });

  it.each([
    [{ 'x-frame-options': 'DENY' }],
    [{ 'x-frame-options': 'sameorigin' }],
    [{ 'content-security-policy': "default-src 'self'; FRAME-ANCESTORS https://partner.example" }],
  ])('accepts %j as clickjacking protection', (headers) => {
    expect(ids(headers)).not.toContain('headers.clickjacking-protection-missing');
  });

  it('reports an X-Frame-Options value browsers ignore when no frame-ancestors is set', () => {
    const finding = only(
      { 'x-frame-options': 'ALLOW-FROM https://a.example', 'content-security-policy': "default-src 'self'" },
      'headers.clickjacking-protection-missing',
    );
    expect(finding).toMatchObject({ severity: 'MEDIUM', cweId: 'CWE-1021' });
    expect(finding.description).toContain('"ALLOW-FROM https://a.example"');
  });

  it('reports a missing Referrer-Policy as a low severity information leak', () => {
    const finding = only({ ...SECURE_HEADERS, 'referrer-policy': '' }, 'headers.referrer-policy-missing');
    expect(finding).toMatchObject({ severity: 'LOW', cweId: 'CWE-200', title: 'Missing Referrer-Policy header' });
    expect(finding.remediation).toContain('Referrer-Policy: strict-origin-when-cross-origin');
  });

  it('reports only the five foundation check ids, leaving newer header checks to the headers probe', () => {
    // max-age=600 is headers.hsts-weak and no Permissions-Policy is headers.permissions-policy-missing in the probe
    expect(ids({ ...SECURE_HEADERS, 'strict-transport-security': 'max-age=600', 'content-security-policy': "script-src * 'unsafe-inline'; frame-ancestors 'none'" })).toEqual([]);
  });

  it('judges CSP and framing only on documents', () => {
    expect(ids({ 'content-type': 'application/json' })).toEqual([
      'headers.hsts-missing',
      'headers.x-content-type-options-missing',
      'headers.referrer-policy-missing',
    ]);
  });

  it('lists every check id it can emit in the catalogue, once', () => {
    const catalogue = SECURITY_HEADER_CHECKS.map((c) => c.checkId);
    expect(new Set(catalogue).size).toBe(catalogue.length);
    expect(ids({}).every((id) => catalogue.includes(id as (typeof catalogue)[number]))).toBe(true);
    expect(catalogue).toHaveLength(5);
  });
});
