import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProbeContext } from '../../../../../../test/support/probe-context.js';
import type { ProbeFinding } from '../../check.js';
import { softwareProbe } from './software.probe.js';

// This suite's own loopback address, so its servers never collide with other suites.
const HOST = '127.0.0.13';

interface Route {
  headers: Record<string, string>;
  body: string;
}

const JQUERY_BANNER = '/*! jQuery v3.4.1 | (c) JS Foundation and other contributors | jquery.org/license */\n!function(e,t){}(this);\n';

const ROUTES: Record<string, Route> = {
  '/debian-nginx': { headers: { server: 'nginx/1.22.1', 'content-type': 'text/html' }, body: '<!doctype html><title>Debian</title>' },
  '/old-stack': {
    headers: {
      server: 'Apache/2.4.49 (Unix) OpenSSL/1.0.1f',
      'x-powered-by': 'PHP/7.4.3',
      'content-type': 'text/html; charset=utf-8',
    },
    body:
      '<!doctype html><html><head>\n' +
      '<meta content="WordPress 5.8.1" name=generator>\n' +
      '<script src="/static/jquery-3.4.1.min.js"></script>\n' +
      '</head><body>old</body></html>',
  },
  '/static/jquery-3.4.1.min.js': { headers: { 'content-type': 'application/javascript' }, body: JQUERY_BANNER },
  '/ubuntu': { headers: { server: 'Apache/2.4.41 (Ubuntu)', 'content-type': 'text/html' }, body: '<!doctype html><p>ubuntu</p>' },
  '/xampp': { headers: { server: 'Apache/2.4.58 (Win64) OpenSSL/3.1.3 PHP/8.2.12', 'content-type': 'text/html' }, body: '<p>xampp</p>' },
  '/hardened': {
    headers: { server: 'nginx', 'x-powered-by': 'Express', 'content-type': 'text/html' },
    body: '<!doctype html><meta name="generator" content="Drupal 10 (https://www.drupal.org)"><script src="https://cdn.example/app.js"></script>',
  },
};

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const route = ROUTES[new URL(req.url ?? '/', 'http://x').pathname];
    if (!route) return void res.writeHead(404).end();
    res.writeHead(200, route.headers).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  base = `http://${HOST}:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function scan(path: string, profile: 'LIGHT' | 'STANDARD' = 'STANDARD'): Promise<ProbeFinding[]> {
  const ctx = makeProbeContext({ target: `${base}${path}`, profile });
  await softwareProbe.run(ctx);
  return ctx.findings;
}

const byCheck = (findings: ProbeFinding[], checkId: string): ProbeFinding[] => findings.filter((f) => f.checkId === checkId);

describe('softwareProbe', () => {
  it('reports the version Debian nginx sends and only the CVE whose range includes 1.22.1', async () => {
    const findings = await scan('/debian-nginx', 'LIGHT');
    const disclosure = byCheck(findings, 'software.version-disclosure');
    expect(disclosure).toHaveLength(1);
    expect(disclosure[0]).toMatchObject({ location: 'Server', evidence: { Server: 'nginx/1.22.1', products: [{ name: 'nginx', version: '1.22.1' }] } });
    const vulnerable = byCheck(findings, 'software.known-vulnerable');
    expect(vulnerable).toHaveLength(1);
    // CVE-2022-41741/41742 were fixed in 1.22.1 itself, so only the 2024 mp4 over-read remains.
    expect(vulnerable[0]).toMatchObject({ location: 'nginx', severity: 'LOW', cveIds: ['CVE-2024-7347'] });
  });

  it('reports one known-vulnerable finding per product with all matched CVEs and their sources', async () => {
    const findings = await scan('/old-stack');
    expect(byCheck(findings, 'software.version-disclosure').map((f) => f.location).sort()).toEqual(['Server', 'X-Powered-By', 'meta generator']);
    const vulnerable = byCheck(findings, 'software.known-vulnerable');
    expect(vulnerable.map((f) => f.location).sort()).toEqual(['apache-httpd', 'jquery', 'openssl', 'wordpress']);
    const apache = vulnerable.find((f) => f.location === 'apache-httpd')!;
    expect(apache.severity).toBe('CRITICAL');
    expect(apache.cveIds).toEqual(expect.arrayContaining(['CVE-2021-41773', 'CVE-2021-42013', 'CVE-2022-22720']));
    const openssl = vulnerable.find((f) => f.location === 'openssl')!;
    expect(openssl.cveIds).toEqual(expect.arrayContaining(['CVE-2014-0160', 'CVE-2014-0224']));
    expect(vulnerable.find((f) => f.location === 'wordpress')!.cveIds).toEqual(['CVE-2022-21661']);
    const jquery = vulnerable.find((f) => f.location === 'jquery')!;
    expect(jquery).toMatchObject({ severity: 'MEDIUM', cveIds: ['CVE-2020-11022', 'CVE-2020-11023'] });
    // Seen in the script URL and in the fetched script's banner: one finding naming both.
    const versions = (jquery.evidence as { versions: { version: string; detectedFrom: string[]; vulnerabilities: { source: string; affected: string }[] }[] }).versions;
    expect(versions).toHaveLength(1);
    expect(versions[0]!.detectedFrom).toEqual([`script URL ${base}/static/jquery-3.4.1.min.js`, `script banner ${base}/static/jquery-3.4.1.min.js`]);
    expect(versions[0]!.vulnerabilities.every((v) => v.source.startsWith('https://') && v.affected.includes('< 3.5.0'))).toBe(true);
  });

  it('does not match distribution builds, whose packages carry backported fixes, but still reports the disclosure', async () => {
    const findings = await scan('/ubuntu');
    expect(byCheck(findings, 'software.known-vulnerable')).toEqual([]);
    const [disclosure] = byCheck(findings, 'software.version-disclosure');
    expect(disclosure?.evidence).toMatchObject({ products: [{ name: 'Apache', version: '2.4.41', distributionBuild: 'Ubuntu' }] });
  });

  it('applies Windows-only entries when the banner says Win64', async () => {
    const php = byCheck(await scan('/xampp'), 'software.known-vulnerable').find((f) => f.location === 'php');
    expect(php).toMatchObject({ severity: 'CRITICAL', cveIds: ['CVE-2024-4577'] });
  });

  it('reports nothing for banners without versions', async () => {
    expect(await scan('/hardened')).toEqual([]);
  });

  it('does not throw when the host does not answer', async () => {
    const ctx = makeProbeContext({ target: `http://${HOST}:1/`, profile: 'LIGHT', profileOverrides: { requestTimeoutMs: 1_000 } });
    await expect(softwareProbe.run(ctx)).resolves.toBeUndefined();
    expect(ctx.findings).toEqual([]);
  });
});
