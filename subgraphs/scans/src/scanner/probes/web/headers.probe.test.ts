import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProbeContext } from '../../../../../../test/support/probe-context.js';
import { analyzeHeaders, type HeaderAnalysisInput } from './header-analysis.js';
import { HEADER_CHECKS } from './headers.checks.js';
import { headersProbe } from './headers.probe.js';
import { closedPort, LAB_HOST, startWebLab, type LabResponse, type WebLab } from './web-lab.test-support.js';

const GOOD: Record<string, string> = {
  'content-type': 'text/html',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'content-security-policy': "default-src 'self'; object-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'permissions-policy': 'camera=()',
};

function analyze(headers: Record<string, string | string[]>, extra: Partial<HeaderAnalysisInput> = {}) {
  return analyzeHeaders({ url: 'https://shop.example/', status: 200, headers, document: true, html: '', ...extra });
}
const ids = (headers: Record<string, string | string[]>, extra: Partial<HeaderAnalysisInput> = {}): string[] => analyze(headers, extra).map((i) => i.checkId);
const without = (name: string): Record<string, string> => Object.fromEntries(Object.entries(GOOD).filter(([k]) => k !== name));

describe('analyzeHeaders', () => {
  it('finds nothing when every protection is in place', () => {
    expect(ids(GOOD)).toEqual([]);
  });

  it('reports every missing header of a bare HTTPS page, in catalogue order', () => {
    expect(ids({ 'content-type': 'text/html' })).toEqual([
      'headers.hsts-missing',
      'headers.csp-missing',
      'headers.x-content-type-options-missing',
      'headers.clickjacking-protection-missing',
      'headers.referrer-policy-missing',
      'headers.permissions-policy-missing',
    ]);
  });

  it('does not ask for HSTS over plain HTTP', () => {
    expect(ids({}, { url: 'http://shop.example/' })).not.toContain('headers.hsts-missing');
  });

  it('does not ask for HSTS from a host reached by IP address, which browsers ignore it for', () => {
    expect(ids({}, { url: 'https://192.0.2.10/' })).not.toContain('headers.hsts-missing');
    expect(ids({ 'strict-transport-security': 'max-age=60' }, { url: 'https://[2001:db8::1]:8443/' })).not.toContain('headers.hsts-weak');
  });

  it('treats max-age=0 or no max-age as missing HSTS, and under six months as weak', () => {
    expect(ids({ ...GOOD, 'strict-transport-security': 'max-age=0' })).toEqual(['headers.hsts-missing']);
    expect(analyze({ ...GOOD, 'strict-transport-security': 'includeSubDomains' })[0]!.description).toContain('without a positive max-age');
    const weak = analyze({ ...GOOD, 'strict-transport-security': 'max-age=600' });
    expect(weak.map((i) => i.checkId)).toEqual(['headers.hsts-weak']);
    expect(weak[0]!.description).toContain('10 minutes');
    expect(ids({ ...GOOD, 'strict-transport-security': 'max-age=15768000' })).toEqual([]);
  });

  it('does not judge CSP, framing or permissions on a response that is not a document', () => {
    expect(ids({ 'content-type': 'application/json' }, { document: false })).toEqual([
      'headers.hsts-missing',
      'headers.x-content-type-options-missing',
      'headers.referrer-policy-missing',
    ]);
  });

  it('does not count a report-only CSP and says so', () => {
    const headers = { ...without('content-security-policy'), 'x-frame-options': 'DENY', 'content-security-policy-report-only': "default-src 'self'" };
    const issues = analyze(headers);
    expect(issues.map((i) => i.checkId)).toEqual(['headers.csp-missing']);
    expect(issues[0]!.description).toContain('Report-Only');
  });

  it('lists the exact CSP weaknesses with the policy in evidence', () => {
    const issues = analyze({ ...GOOD, 'content-security-policy': "default-src 'self' 'unsafe-eval' https:; frame-ancestors 'self'" });
    expect(issues.map((i) => i.checkId)).toEqual(['headers.csp-weak']);
    expect(issues[0]!.details).toEqual({
      policies: ["default-src 'self' 'unsafe-eval' https:; frame-ancestors 'self'"],
      weaknesses: [expect.stringContaining("'unsafe-eval'"), expect.stringContaining('https:')],
    });
  });

  it('counts a <meta> CSP against injection but not its frame-ancestors', () => {
    const html = `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; frame-ancestors 'none'">`;
    expect(ids(without('content-security-policy'), { html })).toEqual(['headers.clickjacking-protection-missing']);
    expect(ids({ ...without('content-security-policy'), 'x-frame-options': 'SAMEORIGIN' }, { html })).toEqual([]);
  });

  it('reports a permissive frame-ancestors even with X-Frame-Options, which browsers then ignore', () => {
    const issues = analyze({ ...GOOD, 'content-security-policy': "default-src 'self'; frame-ancestors *", 'x-frame-options': 'DENY' });
    expect(issues.map((i) => i.checkId)).toEqual(['headers.clickjacking-protection-missing']);
    expect(issues[0]!.description).toContain('"frame-ancestors *"');
  });

  it('reports an X-Frame-Options value browsers do not honour', () => {
    const headers = { ...GOOD, 'content-security-policy': "default-src 'self'", 'x-frame-options': 'ALLOW-FROM https://a.example' };
    expect(analyze(headers)[0]!.description).toContain('"ALLOW-FROM https://a.example"');
  });

  it('reads Referrer-Policy as browsers do: the last recognised token, else a <meta name="referrer">', () => {
    expect(ids({ ...GOOD, 'referrer-policy': 'no-referrer, unsafe-url' })).toEqual(['headers.referrer-policy-weak']);
    expect(ids({ ...GOOD, 'referrer-policy': 'unsafe-url, strict-origin, bogus' })).toEqual([]);
    expect(ids({ ...GOOD, 'referrer-policy': 'no-referrer-when-downgrade' })).toEqual(['headers.referrer-policy-weak']);
    const bogus = analyze({ ...GOOD, 'referrer-policy': 'bogus' });
    expect(bogus.map((i) => i.checkId)).toEqual(['headers.referrer-policy-missing']);
    expect(bogus[0]!.description).toContain('"bogus", which browsers do not recognise');
    expect(ids(without('referrer-policy'), { html: '<meta name="referrer" content="no-referrer">' })).toEqual([]);
  });

  it('accepts the older Feature-Policy header as a permissions policy', () => {
    expect(ids({ ...without('permissions-policy'), 'feature-policy': "camera 'none'" })).toEqual([]);
  });

  it('matches header names case-insensitively', () => {
    expect(ids(Object.fromEntries(Object.entries(GOOD).map(([k, v]) => [k.toUpperCase(), v])))).toEqual([]);
  });

  it('only reports checks the probe defines', () => {
    const defined = new Set(HEADER_CHECKS.map((c) => c.id));
    expect(ids({}).every((id) => defined.has(id))).toBe(true);
  });
});

const NAME = 'www.web-lab.test';
const named = (url: string): string => {
  const u = new URL(url);
  u.hostname = NAME;
  return u.href;
};

describe('headersProbe', () => {
  let lab: WebLab;
  const answers = new Map<string, LabResponse>();
  beforeAll(async () => {
    lab = await startWebLab({
      http: (req) => answers.get(req.url ?? '/') ?? { status: 404 },
      https: (req) => answers.get(req.url ?? '/') ?? { status: 404 },
    });
    answers.set('/bare', { headers: { 'content-type': 'text/html', server: 'lab/1.0', 'set-cookie': 'sid=abcdef123456; Secure' }, body: '<!doctype html><p>hi' });
    answers.set('/hardened', { headers: GOOD, body: '<!doctype html><p>hi' });
    answers.set('/api', { headers: { 'content-type': 'application/json', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' }, body: '{"ok":true}' });
    answers.set('/old', { status: 302, headers: { location: '/hardened' } });
  });
  afterAll(() => lab?.close());

  const scan = async (url: string) => {
    const ctx = makeProbeContext({ target: url, profile: 'LIGHT', hosts: { [NAME]: [LAB_HOST] } });
    await headersProbe.run(ctx);
    return ctx;
  };

  it('reports the four foundation checks and Permissions-Policy on a plain HTTP page with no headers', async () => {
    const ctx = await scan(`${lab.httpUrl}bare`);
    expect(ctx.findings.map((f) => f.checkId)).toEqual([
      'headers.csp-missing',
      'headers.x-content-type-options-missing',
      'headers.clickjacking-protection-missing',
      'headers.referrer-policy-missing',
      'headers.permissions-policy-missing',
    ]);
    for (const f of ctx.findings) {
      expect(f.target).toBe(`${lab.httpUrl}bare`);
      expect(f.location).toBeUndefined();
      expect(f.evidence).toMatchObject({ url: `${lab.httpUrl}bare`, status: 200, headers: { server: 'lab/1.0', 'set-cookie': ['sid=[redacted]; Secure'] } });
    }
  });

  it('asks for HSTS on the same page over HTTPS by name, not by IP address (browsers ignore HSTS there)', async () => {
    const byName = await scan(`${named(lab.httpsUrl)}bare`);
    expect(byName.findings.map((f) => f.checkId)).toContain('headers.hsts-missing');
    expect(byName.findings).toHaveLength(6);
    const byIp = await scan(`${lab.httpsUrl}bare`);
    expect(byIp.findings.map((f) => f.checkId)).not.toContain('headers.hsts-missing');
    expect(byIp.findings).toHaveLength(5);
  });

  it('reports nothing for a hardened page, judged after its redirect', async () => {
    const ctx = await scan(`${named(lab.httpsUrl)}old`);
    expect(ctx.findings).toEqual([]);
    expect(lab.requests.filter((r) => r.path === '/hardened').length).toBeGreaterThan(0);
  });

  it('asks a JSON API only for HSTS, nosniff and Referrer-Policy', async () => {
    const ctx = await scan(`${named(lab.httpsUrl)}api`);
    expect(ctx.findings.map((f) => f.checkId)).toEqual(['headers.hsts-missing']);
  });

  it('reports nothing, without failing, when no web server answers', async () => {
    const ctx = await scan(`http://${LAB_HOST}:${await closedPort()}/`);
    expect(ctx.findings).toEqual([]);
  });
});
