import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOP_100_PORTS } from '../../subgraphs/scans/src/scanner/probes/network/port-lists.js';
import { pageLinks, sourceMapUrl } from '../../subgraphs/scans/src/scanner/page.js';
import { seedTenant, type SeededTenant } from '../factories/tenant.js';
import { labCa, labCertificate } from '../lab/certs.js';
import { startDnsServer, type LabDnsServer } from '../lab/dns-server.js';
import { startLabServices, type LabServices } from '../lab/services.js';
import { startHardenedApp, startVulnerableApp, type LabWebApp, type VulnerableApp } from '../lab/web-app.js';
import { collect, gql, wsClient } from '../support/graphql.js';
import { attestLabTarget, LAB_AUTHORISATION, verifyLabDomain } from '../support/target-ownership.js';
import { startTestStack, type TestStack } from './stack.js';

const run = promisify(execFile);
const CREATE = `mutation Create($input: CreateScanInput!) { createScan(input: $input) { id status } }`;
const UPDATES = `subscription Updates($id: ID!) { scanUpdated(id: $id) { status error stats { requests deadlineReached budgetExhausted hostsReachable } } }`;
const FINDINGS = `query Findings($id: ID!) { scan(id: $id) { status error findings(first: 100) { edges { node { checkId severity location target cveIds evidence } } } } }`;

export interface LabFinding {
  checkId: string;
  severity: string;
  location: string | null;
  target: string;
  cveIds: string[];
  evidence: Record<string, unknown>;
}

describe('scanning the lab', () => {
  let t: TestStack;
  let tenant: SeededTenant;
  let dns: LabDnsServer;
  let vulnerable: VulnerableApp;
  let expired: VulnerableApp;
  let hardened: LabWebApp;
  let services: LabServices;
  let redirector: http.Server;
  let redirectorUrl: string;
  let rebindQueries = 0;
  let flipQueries = 0;
  let caDir: string;

  /** Creates a scan, follows it to its end, and returns its final state and findings. */
  async function scan(input: Record<string, unknown>): Promise<{ status: string; error: string | null; stats: any; findings: LabFinding[] }> {
    const authorised = input.mode === 'ACTIVE' ? { ...input, authorisation: LAB_AUTHORISATION } : input;
    const created = await gql(t.stack.gatewayUrl, CREATE, { input: authorised }, { 'x-api-key': tenant.apiKey });
    expect(created.errors).toBeUndefined();
    const id = created.data!.createScan.id as string;
    const client = wsClient(t.stack.gatewayUrl, tenant.apiKey);
    let last: any;
    try {
      const events = await collect<{ scanUpdated: any }>(client, UPDATES, { id }, { deadlineMs: 150_000 });
      last = events.at(-1)!.scanUpdated;
    } finally {
      await client.dispose();
    }
    const res = await gql(t.stack.gatewayUrl, FINDINGS, { id }, { 'x-api-key': tenant.apiKey });
    expect(res.errors).toBeUndefined();
    return { status: last.status, error: last.error, stats: last.stats, findings: res.data!.scan.findings.edges.map((e: any) => e.node) };
  }

  beforeAll(async () => {
    const ca = await labCa();
    caDir = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-lab-ca-'));
    const caFile = path.join(caDir, 'ca.pem');
    await writeFile(caFile, ca.cert);
    dns = await startDnsServer({
      host: '127.0.0.54',
      zone: {
        'vuln.lab.test': { A: ['127.0.0.2'], TXT: ['v=spf1 +all'] },
        '_dmarc.vuln.lab.test': { TXT: ['v=DMARC1; p=none'] },
        'hardened.lab.test': { A: ['127.0.0.4'], TXT: ['v=spf1 -all'] },
        '_dmarc.hardened.lab.test': { TXT: ['v=DMARC1; p=reject'] },
        'metadata.lab.test': { A: ['169.254.169.254'] },
        // Allowed when createScan checks it, refused when the worker checks again.
        'flip.lab.test': {
          get A() {
            return flipQueries++ === 0 ? ['127.0.0.4'] : ['10.0.0.1'];
          },
        },
        // Allowed twice (createScan, then the worker's one resolution), then a refused address:
        // a scan that resolved again before connecting would go there.
        'rebind.lab.test': {
          get A() {
            return rebindQueries++ < 2 ? ['127.0.0.4'] : ['10.0.0.1'];
          },
          TXT: ['v=spf1 -all'],
        },
        '_dmarc.rebind.lab.test': { TXT: ['v=DMARC1; p=reject'] },
      },
    });
    [vulnerable, expired, hardened, services] = await Promise.all([
      labCertificate('wrong-name').then((cert) => startVulnerableApp({ cert })),
      labCertificate('expired-self-signed', ['127.0.0.5']).then((cert) => startVulnerableApp({ address: '127.0.0.5', cert })),
      labCertificate('valid', ['hardened.lab.test', 'rebind.lab.test', '127.0.0.4']).then((cert) =>
        startHardenedApp({ cert, hostnames: ['hardened.lab.test', 'rebind.lab.test'] }),
      ),
      startLabServices(),
    ]);
    redirector = http.createServer((_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end());
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.6', () => r()));
    redirectorUrl = `http://127.0.0.6:${(redirector.address() as AddressInfo).port}/`;
    t = await startTestStack('scanner-lab', {
      env: { DNS_SERVERS: dns.server, SCAN_EXTRA_CA_FILE: caFile, SCAN_FETCH_TIMEOUT_MS: '4000', SCAN_DEADLINE_SECONDS: '120' },
    });
    tenant = await seedTenant(t.databaseUrl);
    // Active scans need proof that the target is ours: the lab's names by DNS, its services' address by attestation.
    for (const domain of ['vuln.lab.test', 'hardened.lab.test']) await verifyLabDomain(t.stack.gatewayUrl, tenant.apiKey, dns.zone, domain);
    await attestLabTarget(t.stack.gatewayUrl, tenant.apiKey, '127.0.0.3');
  });
  afterAll(async () => {
    await t?.stop();
    redirector?.closeAllConnections();
    await new Promise((r) => redirector?.close(r));
    await Promise.all([vulnerable?.stop(), expired?.stop(), hardened?.stop(), services?.stop(), dns?.close()]);
    if (caDir) await rm(caDir, { recursive: true, force: true });
  });

  it('reports each planted web issue of the vulnerable app once, with its check id and severity', async () => {
    const r = await scan({ target: 'vuln.lab.test', targetType: 'DOMAIN', mode: 'ACTIVE', profile: 'STANDARD' });
    expect(r.status).toBe('COMPLETED');
    expect(r.stats).toMatchObject({ hostsReachable: 1, deadlineReached: false, budgetExhausted: false });
    expect(keys(ofLab(r.findings, [80, 443]))).toEqual(
      [
        'cookies.missing-httponly MEDIUM PHPSESSID',
        'cookies.missing-samesite LOW PHPSESSID',
        'cookies.missing-secure MEDIUM PHPSESSID',
        'cors.null-origin HIGH -',
        'cors.reflected-origin-with-credentials HIGH -',
        'dns.dmarc-permissive MEDIUM _dmarc.vuln.lab.test',
        'dns.spf-permissive HIGH vuln.lab.test',
        'exposure.backup-file HIGH /backup.zip',
        'exposure.directory-listing MEDIUM /uploads/',
        'exposure.env-file CRITICAL /.env',
        'exposure.git-repository HIGH /.git/',
        'exposure.phpinfo MEDIUM /phpinfo.php',
        'exposure.security-txt-missing INFO /.well-known/security.txt',
        'exposure.server-status MEDIUM /server-status',
        'exposure.source-map MEDIUM /static/vendor.js.map',
        'headers.clickjacking-protection-missing MEDIUM -',
        'headers.csp-weak MEDIUM -',
        'headers.hsts-missing MEDIUM -',
        'headers.permissions-policy-missing LOW -',
        'headers.referrer-policy-missing LOW -',
        'headers.x-content-type-options-missing LOW -',
        'network.open-port INFO 443/tcp',
        'network.open-port INFO 80/tcp',
        'performance.delivery INFO caching',
        'performance.delivery LOW compression',
        'secrets.js-bundle-sweep CRITICAL aws-access-key',
        'secrets.js-bundle-sweep CRITICAL github-token',
        'secrets.js-bundle-sweep CRITICAL private-key',
        'secrets.js-bundle-sweep CRITICAL stripe-secret-key',
        'secrets.js-bundle-sweep CRITICAL supabase-service-role-key',
        'secrets.js-bundle-sweep HIGH slack-token',
        'secrets.js-bundle-sweep LOW google-api-key',
        'secrets.patterns CRITICAL stripe-secret-key',
        'software.known-vulnerable HIGH wordpress',
        'software.known-vulnerable MEDIUM nginx',
        'software.version-disclosure LOW X-Powered-By',
        'software.version-disclosure LOW Server',
        'software.version-disclosure LOW meta generator',
        'tls.certificate-name-mismatch HIGH -',
        'tls.legacy-protocol MEDIUM -',
        'transport.http-not-redirected MEDIUM -',
      ].sort(),
    );
    // Known-vulnerable versions carry the CVE ids enrichment keys on.
    const nginx = r.findings.find((f) => f.checkId === 'software.known-vulnerable' && f.location === 'nginx')!;
    expect(nginx.cveIds).toContain('CVE-2021-23017');
    // The leaked credentials themselves never reach the findings.
    const stored = JSON.stringify(r.findings);
    for (const value of Object.values(vulnerable.secrets).flatMap((v) => (typeof v === 'string' ? [v] : Object.values(v as object)))) {
      if (typeof value === 'string' && value.length >= 16) expect(stored).not.toContain(value);
    }
  });

  it('finds nothing above INFO on the hardened app', async () => {
    const r = await scan({ target: 'hardened.lab.test', targetType: 'DOMAIN', mode: 'ACTIVE', profile: 'STANDARD' });
    expect(r.status).toBe('COMPLETED');
    expect(ofLab(r.findings, [80, 443]).filter((f) => f.severity !== 'INFO').map((f) => `${f.checkId} ${f.location}`)).toEqual([]);
  });

  it('reports an expired self-signed certificate as exactly that', async () => {
    const r = await scan({ target: 'https://127.0.0.5/', targetType: 'URL', mode: 'PASSIVE', profile: 'LIGHT' });
    expect(r.status).toBe('COMPLETED');
    const tls = keys(r.findings.filter((f) => f.checkId.startsWith('tls.')));
    expect(tls).toEqual(['tls.certificate-expired HIGH -', 'tls.certificate-self-signed HIGH -', 'tls.legacy-protocol MEDIUM -']);
  });

  it("finds the real services' open doors, and the same open ports as nmap -sT", async () => {
    const r = await scan({ target: '127.0.0.3', targetType: 'IP', mode: 'ACTIVE', profile: 'STANDARD' });
    expect(r.status).toBe('COMPLETED');
    const found = keys(r.findings);
    for (const planted of [
      'network.redis-unauthenticated CRITICAL 6379/tcp',
      'network.memcached-unauthenticated HIGH 11211/tcp',
      'network.postgres-trust-auth CRITICAL 5432/tcp',
      'network.ftp-anonymous HIGH 21/tcp',
      'exposure.directory-listing MEDIUM /',
      'software.version-disclosure LOW Server',
    ]) {
      expect(found.filter((k) => k === planted), planted).toHaveLength(1);
    }
    // Proven unauthenticated access is reported as such, not also as a merely exposed port.
    expect(found.filter((k) => k.startsWith('network.exposed-service') && /(6379|11211|5432|21)\/tcp/.test(k))).toEqual([]);
    const ours = r.findings.filter((f) => f.checkId === 'network.open-port').map((f) => Number(f.location!.split('/')[0])).sort((a, b) => a - b);
    for (const port of [21, 80, 5432, 6379, 11211]) expect(ours).toContain(port);
    const { stdout } = await run('nmap', ['-sT', '-Pn', '-n', '-p', TOP_100_PORTS.join(','), '-oX', '-', '127.0.0.3'], { timeout: 60_000 });
    const nmapOpen = [...stdout.matchAll(/<port protocol="tcp" portid="(\d+)"><state state="open"/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
    expect(ours).toEqual(nmapOpen);
  });

  it('sends nothing outside the page and its own resources in passive mode', async () => {
    vulnerable.clearRequests();
    const r = await scan({ target: 'vuln.lab.test', targetType: 'DOMAIN', mode: 'PASSIVE', profile: 'AGGRESSIVE' });
    expect(r.status).toBe('COMPLETED');
    expect(r.findings.some((f) => f.checkId.startsWith('exposure.') || f.checkId.startsWith('network.'))).toBe(false);
    const received = [...vulnerable.requests];
    // What a visitor's browser loads: the page, its scripts and stylesheets, the maps they name.
    const page = await fetchText('http://127.0.0.2/');
    const links = pageLinks(page, 'http://127.0.0.2/');
    const allowed = new Set(['/', ...[...links.scripts, ...links.styles, ...links.pages].map((u) => new URL(u).pathname)]);
    for (const script of links.scripts) {
      const body = await fetchText(script);
      const map = sourceMapUrl({ url: script, status: 200, headers: {}, body: Buffer.from(body), truncated: false, hops: [] });
      if (map) allowed.add(new URL(map).pathname);
    }
    const sent = received.map((q) => q.url.split('?')[0]!);
    expect(sent.length).toBeGreaterThan(3);
    expect([...new Set(sent.filter((p) => !allowed.has(p)))]).toEqual([]);
    expect(sent).not.toContain('/static/vendor.js.map');
    for (const q of received) expect(q.headers['user-agent']).toMatch(/^fixfirst-scanner\//);
  });

  it('refuses metadata, private, IPv6 loopback and names that resolve to them, before storing anything', async () => {
    const cases: [string, string, RegExp][] = [
      ['169.254.169.254', 'IP', /link-local/],
      ['10.0.0.1', 'IP', /private/],
      ['::1', 'IP', /loopback/],
      ['metadata.lab.test', 'DOMAIN', /metadata\.lab\.test resolves to 169\.254\.169\.254/],
      ['http://[::1]:8080/', 'URL', /loopback/],
    ];
    for (const [target, targetType, why] of cases) {
      const res = await gql(t.stack.gatewayUrl, CREATE, { input: { target, targetType } }, { 'x-api-key': tenant.apiKey });
      expect(res.errors?.[0]?.extensions?.code, target).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.message, target).toMatch(why);
    }
  });

  it('refuses a redirect to the metadata address', async () => {
    const r = await scan({ target: redirectorUrl, targetType: 'URL', mode: 'PASSIVE', profile: 'LIGHT' });
    expect(r.status).toBe('FAILED');
    expect(r.error).toMatch(/169\.254\.169\.254.*not allowed/);
  });

  it('refuses a name whose answer changed to a refused address after the scan was created', async () => {
    flipQueries = 0;
    const r = await scan({ target: 'flip.lab.test', targetType: 'DOMAIN', mode: 'PASSIVE', profile: 'LIGHT' });
    expect(r.status).toBe('FAILED');
    expect(r.error).toMatch(/flip\.lab\.test resolves to 10\.0\.0\.1/);
  });

  it('resolves a name once per scan, so a later answer cannot redirect its connections', async () => {
    rebindQueries = 0;
    const r = await scan({ target: 'rebind.lab.test', targetType: 'DOMAIN', mode: 'PASSIVE', profile: 'STANDARD' });
    expect(r.status).toBe('COMPLETED');
    expect(r.stats.hostsReachable).toBe(1);
    expect(r.findings.filter((f) => f.severity !== 'INFO')).toEqual([]);
    // One answer for createScan, one for the worker; every connection of the scan used it.
    expect(rebindQueries).toBe(2);
  });

  it('ends scans of tarpits and of a 1 GiB response within their budgets', async () => {
    // Never answers: the page request times out and nothing else answered.
    const silent = await scan({ target: 'http://127.0.0.2/tarpit/silent', targetType: 'URL', mode: 'PASSIVE', profile: 'LIGHT' });
    expect(silent.status).toBe('FAILED');
    expect(silent.error).toMatch(/Timed out after 4000 ms/);
    // Headers at once, then a byte a second: header checks judge what arrived, the body read is cut off.
    const slow = await scan({ target: 'http://127.0.0.2/tarpit/slow', targetType: 'URL', mode: 'PASSIVE', profile: 'LIGHT' });
    expect(['COMPLETED', 'FAILED']).toContain(slow.status);
    expect(slow.stats?.deadlineReached ?? false).toBe(false);
    vulnerable.counters.hugeBytesSent = 0;
    const huge = await scan({ target: 'http://127.0.0.2/huge', targetType: 'URL', mode: 'PASSIVE', profile: 'STANDARD' });
    expect(huge.status).toBe('COMPLETED');
    expect(huge.stats.hostsReachable).toBe(1);
    // Each request reads at most the profile's 2 MiB; what the server pushed past that is socket
    // buffering and requests from other probes (CORS, delivery), far below the 1 GiB on offer.
    expect(vulnerable.counters.hugeBytesSent).toBeLessThan(64 * 1024 * 1024);
  });
});

/**
 * Findings about the lab itself: a program of the machine listening on 0.0.0.0 also answers on
 * every lab address, so port findings count only for the ports the lab opened.
 */
function ofLab(findings: LabFinding[], ports: number[]): LabFinding[] {
  return findings.filter((f) => !f.checkId.startsWith('network.') || ports.includes(Number(f.location?.split('/')[0])));
}

/** `check severity location`, with a secret finding's location reduced to its kind; sorted. */
function keys(findings: LabFinding[]): string[] {
  return findings
    .map((f) => {
      const where = f.checkId.startsWith('secrets.') ? f.location!.split(':').at(-1)! : (f.location ?? '-');
      return `${f.checkId} ${f.severity} ${where}`;
    })
    .sort();
}

function fetchText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}
