import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labCertificate } from './certs.js';
import { readSome, request, tlsHandshake } from './raw-http.js';
import { HUGE_BODY_BYTES } from './vulnerable-app.js';
import { startVulnerableApp, type VulnerableApp } from './web-app.js';

describe('vulnerable web app on 127.0.0.2:80/443', () => {
  let app: VulnerableApp;
  let http: string;
  let https: string;

  beforeAll(async () => {
    app = await startVulnerableApp({ address: '127.0.0.2', httpPort: 80, httpsPort: 443, cert: await labCertificate('expired-self-signed', ['127.0.0.2']) });
    http = app.httpUrl.replace(/\/$/, '');
    https = app.httpsUrl!.replace(/\/$/, '');
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('listens on the standard ports', () => {
    expect(app.httpUrl).toBe('http://127.0.0.2/');
    expect(app.httpsUrl).toBe('https://127.0.0.2/');
  });

  it('serves the page over HTTP without redirecting, naming its software', async () => {
    const res = await request(`${http}/`, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.status).toBe(200);
    expect(res.headers.server).toBe('nginx/1.18.0');
    expect(res.headers['x-powered-by']).toBe('PHP/7.4.3');
    expect(res.body.toString()).toContain('<meta name="generator" content="WordPress 5.8.1">');
    expect(res.headers['content-encoding']).toBeUndefined(); // not compressed although asked
    expect(res.body.length).toBeGreaterThan(1024);
  });

  it('misses or weakens every security header, HSTS included over HTTPS', async () => {
    const res = await request(`${https}/`);
    expect(res.status).toBe(200);
    for (const h of ['strict-transport-security', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'permissions-policy']) {
      expect(res.headers[h], h).toBeUndefined();
    }
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("'unsafe-inline'");
    expect(csp).toContain("'unsafe-eval'");
    expect(csp).not.toContain('frame-ancestors');
  });

  it('sets one session cookie without Secure, HttpOnly or SameSite', async () => {
    const cookies = (await request(`${https}/`)).headers['set-cookie'] ?? [];
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(/^PHPSESSID=[0-9a-f]{32}; path=\/$/);
  });

  it('reflects any Origin, null included, with credentials', async () => {
    for (const origin of ['https://evil.example', 'null']) {
      const res = await request(`${https}/`, { headers: { origin } });
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
    }
    const preflight = await request(`${https}/`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'PUT' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://evil.example');
  });

  it('accepts TLS 1.0 and 1.1', async () => {
    expect(await tlsHandshake('127.0.0.2', app.httpsPort!, 'TLSv1')).toEqual({ protocol: 'TLSv1' });
    expect(await tlsHandshake('127.0.0.2', app.httpsPort!, 'TLSv1.1')).toEqual({ protocol: 'TLSv1.1' });
  });

  it('leaks every provider credential once in its same-origin script, uncached', async () => {
    const page = (await request(`${http}/`)).body.toString();
    expect(page).toContain('<script src="/static/app.js"></script>');
    const res = await request(`${http}/static/app.js`);
    const js = res.body.toString();
    const s = app.secrets;
    for (const secret of [s.awsAccessKeyId, s.awsSecretAccessKey, s.stripeSecretKey, s.githubToken, s.slackBotToken, s.googleApiKey, s.supabaseServiceRoleJwt]) {
      expect(js.split(secret)).toHaveLength(2); // exactly once
      expect(page).not.toContain(secret);
    }
    expect(s.awsAccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(s.githubToken).toMatch(/^ghp_[A-Za-z0-9]{36}$/);
    expect(JSON.parse(Buffer.from(s.supabaseServiceRoleJwt.split('.')[1]!, 'base64url').toString()).role).toBe('service_role');
    expect(js.trimEnd().endsWith('//# sourceMappingURL=app.js.map')).toBe(true);
    for (const h of ['cache-control', 'etag', 'last-modified', 'expires', 'content-encoding']) expect(res.headers[h], h).toBeUndefined();
  });

  it('puts a private key in the source map and one secret in an inline script', async () => {
    const map = JSON.parse((await request(`${http}/static/app.js.map`)).body.toString()) as { sourcesContent: string[] };
    expect(map.sourcesContent.join('\n')).toContain(app.secrets.privateKeyPem.trim());
    expect(app.secrets.privateKeyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    const page = (await request(`${http}/`)).body.toString();
    const inline = /<script>([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '';
    expect(inline).toContain(app.secrets.inlineStripeSecretKey);
  });

  it('serves an unreferenced vendor source map', async () => {
    const vendor = (await request(`${http}/static/vendor.js`)).body.toString();
    expect(vendor).not.toContain('sourceMappingURL');
    const map = await request(`${http}/static/vendor.js.map`);
    expect(map.status).toBe(200);
    expect(JSON.parse(map.body.toString()).version).toBe(3);
  });

  it('exposes repository, environment, backup, status, listing and phpinfo files', async () => {
    const body = async (path: string): Promise<Buffer> => {
      const res = await request(`${http}${path}`);
      expect(res.status, path).toBe(200);
      return res.body;
    };
    expect((await body('/.git/HEAD')).toString()).toBe('ref: refs/heads/main\n');
    expect((await body('/.git/config')).toString()).toMatch(/^\[core\]\n\trepositoryformatversion = 0/);
    expect((await body('/.env')).toString()).toMatch(/^DB_PASSWORD=\S+$/m);
    expect((await body('/server-status')).toString()).toContain('Apache Server Status for');
    expect((await body('/uploads/')).toString()).toContain('<title>Index of /uploads</title>');
    expect((await body('/phpinfo.php')).toString()).toContain('<title>PHP 7.4.3 - phpinfo()</title>');
    const zip = await body('/backup.zip');
    expect(zip.subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'));
    // The end-of-central-directory record points at a real central directory entry.
    const eocd = zip.length - 22;
    expect(zip.readUInt32LE(eocd)).toBe(0x06054b50);
    expect(zip.readUInt32LE(zip.readUInt32LE(eocd + 16))).toBe(0x02014b50);
  });

  it('answers unknown paths and security.txt with a real 404', async () => {
    expect((await request(`${http}/.well-known/security.txt`)).status).toBe(404);
    expect((await request(`${http}/no-such-page-${Date.now()}`)).status).toBe(404);
  });

  it('records every request with its method, url and headers', async () => {
    app.clearRequests();
    await request(`${https}/static/site.css?v=1`, { headers: { 'x-lab-marker': 'recorded' } });
    await request(`${http}/`, { method: 'HEAD' });
    expect(app.requests.map((r) => [r.scheme, r.method, r.url])).toEqual([
      ['https', 'GET', '/static/site.css?v=1'],
      ['http', 'HEAD', '/'],
    ]);
    expect(app.requests[0]!.headers['x-lab-marker']).toBe('recorded');
    expect(app.requests[0]!.remoteAddress).toMatch(/^127\./);
  });

  it('never answers /tarpit/silent', async () => {
    const { bytes, timedOut } = await readSome('127.0.0.2', app.httpPort, '/tarpit/silent', { timeoutMs: 1_500, enough: 1 });
    expect(timedOut).toBe(true);
    expect(bytes.length).toBe(0);
  });

  it('drips /tarpit/slow one byte at a time after its headers', async () => {
    const { bytes, timedOut } = await readSome('127.0.0.2', app.httpPort, '/tarpit/slow', { timeoutMs: 3_500, enough: Number.MAX_SAFE_INTEGER });
    // The only end is the client's limit: the drip never finishes. Headers plus a few dots came.
    expect(timedOut).toBe(true);
    const text = bytes.toString();
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const dots = (text.split('\r\n\r\n')[1] ?? '').match(/\./g) ?? [];
    expect(dots.length).toBeGreaterThanOrEqual(1);
    expect(dots.length).toBeLessThanOrEqual(4);
  });

  it('streams /huge lazily without a length, for as long as it is read', async () => {
    const { bytes, timedOut } = await readSome('127.0.0.2', app.httpPort, '/huge', { timeoutMs: 10_000, enough: 8 * 1024 * 1024 });
    expect(timedOut).toBe(false);
    const text = bytes.subarray(0, 512).toString();
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text.toLowerCase()).not.toContain('content-length');
    expect(bytes.length).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    expect(HUGE_BODY_BYTES).toBe(1024 ** 3);
  });

  it('stops at once even with a tarpit connection open', async () => {
    const extra = await startVulnerableApp({ address: '127.0.0.2', httpPort: 0, httpsPort: 0, cert: await labCertificate('expired-self-signed', ['127.0.0.2']) });
    const pending = readSome('127.0.0.2', extra.httpPort, '/tarpit/silent', { timeoutMs: 30_000, enough: 1 });
    // Wait until the server has the request, then stop with the socket still open.
    const deadline = Date.now() + 5_000;
    while (extra.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const t0 = Date.now();
    await extra.stop();
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect((await pending).timedOut).toBe(false); // the server hung up
  });

  it('runs on free ports for unit tests, alongside the standard-port app', async () => {
    const extra = await startVulnerableApp({ address: '127.0.0.2', httpPort: 0 });
    try {
      expect(extra.httpPort).not.toBe(80);
      expect(extra.httpsUrl).toBeNull();
      expect((await request(`${extra.httpUrl}static/app.js`)).body.toString()).toContain(extra.secrets.githubToken);
    } finally {
      await extra.stop();
    }
  });
});
