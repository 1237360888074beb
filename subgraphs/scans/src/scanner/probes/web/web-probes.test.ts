import type { IncomingMessage } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProbeContext, type TestProbeContext } from '../../../../../../test/support/probe-context.js';
import { CheckCatalogue } from '../../catalogue.js';
import type { Probe } from '../../check.js';
import { PROBES } from '../index.js';
import { cookiesProbe } from './cookies.probe.js';
import { corsProbe } from './cors.probe.js';
import { headersProbe } from './headers.probe.js';
import { performanceProbe } from './performance.probe.js';
import { transportProbe } from './transport.probe.js';
import { htmlOfSize, LAB_HOST, startWebLab, type LabResponse, type WebLab } from './web-lab.test-support.js';

const WEB_PROBES: Probe[] = [headersProbe, cookiesProbe, transportProbe, corsProbe, performanceProbe];
const SCRIPT = `/* app */ ${'console.log("fixfirst");\n'.repeat(100)}`;
const STYLE = `body { color: #111; }\n${'.c { margin: 0 }\n'.repeat(100)}`;
const PAGE = htmlOfSize(4000, '<script src="/app.js"></script><link rel="stylesheet" href="/app.css">');

/** Every web problem this suite plants at most once on one site. */
function vulnerable(req: IncomingMessage): LabResponse {
  const origin = req.headers.origin;
  // Reflects whatever Origin it gets, with credentials: the classic CORS mistake.
  const cors: Record<string, string> = origin ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' } : {};
  if (req.url === '/app.js') return { headers: { 'content-type': 'application/javascript' }, body: SCRIPT };
  if (req.url === '/app.css') return { headers: { 'content-type': 'text/css' }, body: STYLE };
  return {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'strict-transport-security': 'max-age=600',
      'content-security-policy': "script-src 'self' 'unsafe-inline'",
      'referrer-policy': 'unsafe-url',
      'set-cookie': ['sessionid=s3cr3t-value-123; Path=/'],
      ...cors,
    },
    body: PAGE,
  };
}

/** The same site done right: no finding above INFO may come of it. */
function hardened(req: IncomingMessage): LabResponse {
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const encode = (body: string, type: string, extra: Record<string, string | string[]> = {}): LabResponse => ({
    headers: { 'content-type': type, 'x-content-type-options': 'nosniff', ...extra, ...(gzip ? { 'content-encoding': 'gzip', vary: 'Accept-Encoding' } : {}) },
    body: gzip ? gzipSync(body) : body,
  });
  if (req.headers.origin === 'https://partner.example') {
    return encode(PAGE, 'text/html', { 'access-control-allow-origin': 'https://partner.example' });
  }
  if (req.url === '/app.js') return encode(SCRIPT, 'text/javascript', { 'cache-control': 'public, max-age=31536000, immutable' });
  if (req.url === '/app.css') return encode(STYLE, 'text/css', { etag: '"v1"' });
  return encode(PAGE, 'text/html; charset=utf-8', {
    'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
    'content-security-policy': "default-src 'self'; script-src 'nonce-r4nd0m' 'strict-dynamic'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    'set-cookie': ['__Host-session=abc123; Path=/; Secure; HttpOnly; SameSite=Lax', 'theme=dark; Path=/; Secure; SameSite=Strict'],
  });
}

/** The site's name (HSTS is only judged for hosts reached by name), resolved to the lab address. */
const NAME = 'shop.web-lab.test';
const named = (url: string): string => {
  const u = new URL(url);
  u.hostname = NAME;
  return u.href;
};

const redirectToHttps = (httpsUrl: string) => (req: IncomingMessage): LabResponse => ({
  status: 301,
  headers: { location: new URL(req.url ?? '/', named(httpsUrl)).href },
});

/** Runs every web probe on a domain that answers on both schemes, as a domain target does. */
async function scanSite(lab: WebLab): Promise<TestProbeContext> {
  const ctx = makeProbeContext({ target: named(lab.httpsUrl), targetType: 'URL', profile: 'STANDARD', hosts: { [NAME]: [LAB_HOST] } });
  ctx.host.urls = [named(lab.httpsUrl), named(lab.httpUrl)];
  for (const probe of WEB_PROBES) await probe.run(ctx);
  return ctx;
}

describe('the web probes on a vulnerable site', () => {
  let lab: WebLab;
  let ctx: TestProbeContext;
  beforeAll(async () => {
    lab = await startWebLab({ https: vulnerable, http: vulnerable });
    ctx = await scanSite(lab);
  });
  afterAll(() => lab?.close());

  it.each([
    ['headers.hsts-weak', 'LOW', undefined],
    ['headers.csp-weak', 'MEDIUM', undefined],
    ['headers.x-content-type-options-missing', 'LOW', undefined],
    ['headers.clickjacking-protection-missing', 'MEDIUM', undefined],
    ['headers.referrer-policy-weak', 'LOW', undefined],
    ['headers.permissions-policy-missing', 'LOW', undefined],
    ['cookies.missing-secure', 'MEDIUM', 'sessionid'],
    ['cookies.missing-httponly', 'MEDIUM', 'sessionid'],
    ['cookies.missing-samesite', 'LOW', 'sessionid'],
    ['transport.http-not-redirected', 'MEDIUM', undefined],
    ['cors.reflected-origin-with-credentials', 'HIGH', undefined],
    ['cors.null-origin', 'HIGH', undefined],
  ])('reports %s once, as %s', (checkId, severity, location) => {
    const found = ctx.findings.filter((f) => f.checkId === checkId);
    expect(found).toHaveLength(1);
    const definition = new CheckCatalogue(PROBES).get(checkId)!;
    expect(found[0]!.severity ?? definition.severity).toBe(severity);
    expect(found[0]!.location).toBe(location);
  });

  it('reports slow delivery once per problem kind: uncompressed text (LOW) and uncached assets (INFO)', () => {
    const delivery = ctx.findings.filter((f) => f.checkId === 'performance.delivery');
    expect(delivery.map((f) => [f.location, f.severity ?? 'LOW']).sort()).toEqual([
      ['caching', 'INFO'],
      ['compression', 'LOW'],
    ]);
  });

  it('reports nothing else', () => {
    expect(ctx.findings).toHaveLength(14);
  });

  it('never puts the session cookie value in evidence', () => {
    expect(JSON.stringify(ctx.findings)).not.toContain('s3cr3t-value-123');
  });

  it('only requests the page, its own assets and the same path over the other scheme', () => {
    expect(new Set(lab.requests.map((r) => `${r.scheme} ${r.path}`))).toEqual(new Set(['https /', 'https /app.js', 'https /app.css', 'http /']));
    // page + 2 assets, 2 transport, 2 CORS, page and both assets again with Accept-Encoding
    expect(lab.requests.length).toBeLessThanOrEqual(10);
  });
});

describe('the web probes on a hardened site', () => {
  let lab: WebLab;
  let ctx: TestProbeContext;
  beforeAll(async () => {
    lab = await startWebLab({ https: hardened, http: (req) => redirectToHttps(lab.httpsUrl)(req) });
    ctx = await scanSite(lab);
  });
  afterAll(() => lab?.close());

  it('reports nothing at all', () => {
    expect(ctx.findings).toEqual([]);
  });

  it('did look: it fetched the page compressed and probed CORS and plain HTTP', () => {
    const paths = lab.requests.map((r) => `${r.scheme} ${r.path} ${r.headers.origin ?? ''}`.trim());
    expect(paths).toContain('http /');
    expect(paths).toContain('https / null');
    expect(paths).toContain('https / https://evil.fixfirst-probe.invalid');
    expect(lab.requests.some((r) => r.path === '/' && r.headers['accept-encoding'] === 'gzip, br')).toBe(true);
  });
});

describe('the web probes in the catalogue', () => {
  it('are registered and define every check they report, with real text', () => {
    const catalogue = new CheckCatalogue(PROBES);
    for (const probe of WEB_PROBES) {
      expect(PROBES).toContain(probe);
      expect(probe.mode).toBe('PASSIVE');
      for (const check of probe.checks) {
        expect(catalogue.probe(check.id)).toBe(probe);
        expect(check.remediation.length).toBeGreaterThan(60);
        expect(check.description.length).toBeGreaterThan(60);
        expect(check.evidence.length).toBeGreaterThan(20);
        if (check.category !== 'performance') expect(check.cweId).toMatch(/^CWE-\d+$/);
      }
    }
  });
});
