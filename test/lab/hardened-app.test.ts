import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labCertificate, type LabCertificate } from './certs.js';
import { HARDENED_HEADERS } from './hardened-app.js';
import { request, tlsHandshake } from './raw-http.js';
import { startHardenedApp, type LabWebApp } from './web-app.js';

const NAME = 'hardened.lab.test';

describe('hardened web app on 127.0.0.4:80/443', () => {
  let app: LabWebApp;
  let cert: LabCertificate;
  let https: string;

  beforeAll(async () => {
    cert = await labCertificate('valid', [NAME, '127.0.0.4']);
    app = await startHardenedApp({ address: '127.0.0.4', httpPort: 80, httpsPort: 443, cert, hostnames: [NAME] });
    https = app.httpsUrl!.replace(/\/$/, '');
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('redirects HTTP to the same path over HTTPS, only on its own names', async () => {
    const res = await request('http://127.0.0.4/about?x=1');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('https://127.0.0.4/about?x=1');
    expect((await request('http://127.0.0.4/', { headers: { host: NAME } })).headers.location).toBe(`https://${NAME}/`);
    expect((await request('http://127.0.0.4/', { headers: { host: 'evil.example' } })).headers.location).toBe('https://127.0.0.4/');
  });

  it('presents a certificate the test CA vouches for, by address and by name', async () => {
    expect((await request(`${https}/`, { ca: cert.ca })).status).toBe(200);
    expect((await request(`${https}/`, { ca: cert.ca, servername: NAME, headers: { host: NAME } })).status).toBe(200);
  });

  it('refuses TLS 1.0 and 1.1 and speaks TLS 1.2', async () => {
    expect(await tlsHandshake('127.0.0.4', 443, 'TLSv1')).toHaveProperty('error');
    expect(await tlsHandshake('127.0.0.4', 443, 'TLSv1.1')).toHaveProperty('error');
    expect(await tlsHandshake('127.0.0.4', 443, 'TLSv1.2')).toEqual({ protocol: 'TLSv1.2' });
  });

  it('sends every security header with a strong value and a nonce CSP matching the page', async () => {
    const res = await request(`${https}/`);
    for (const [name, value] of Object.entries(HARDENED_HEADERS)) expect(res.headers[name], name).toBe(value);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    const csp = String(res.headers['content-security-policy']);
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    const page = res.body.toString();
    expect(page.match(/<script\b[^>]*>/g)?.every((tag) => tag.includes(`nonce="${nonce}"`))).toBe(true);
    expect((await request(`${https}/`)).headers['content-security-policy']).not.toBe(csp); // fresh nonce each time
  });

  it('sets its cookie Secure, HttpOnly and SameSite=Lax, and discloses no versions', async () => {
    const res = await request(`${https}/`);
    expect(res.headers['set-cookie']).toHaveLength(1);
    expect(res.headers['set-cookie']![0]).toMatch(/^session=[0-9a-f]{32}; Path=\/; Secure; HttpOnly; SameSite=Lax$/);
    expect(res.headers.server).toBeUndefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.body.toString()).not.toMatch(/generator/i);
  });

  it('grants no cross-origin access', async () => {
    for (const origin of ['https://evil.example', 'null']) {
      const res = await request(`${https}/`, { headers: { origin } });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    }
  });

  it('compresses text with brotli or gzip and caches static assets for a year', async () => {
    const br = await request(`${https}/static/app.js`, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const js = brotliDecompressSync(br.body).toString();
    expect(js).toContain('DOMContentLoaded');
    expect(js).not.toContain('sourceMappingURL');
    const gz = await request(`${https}/`, { headers: { 'accept-encoding': 'gzip, br;q=0' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toContain('<title>Acme Shop</title>');
    const plain = await request(`${https}/static/site.css`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
  });

  it('publishes a security.txt with Contact and Expires', async () => {
    const res = await request(`${https}/.well-known/security.txt`);
    expect(res.status).toBe(200);
    const text = res.body.toString();
    expect(text).toMatch(/^Contact: mailto:\S+$/m);
    const expires = new Date(/^Expires: (\S+)$/m.exec(text)![1]!).getTime();
    expect(expires).toBeGreaterThan(Date.now());
    expect(expires).toBeLessThan(Date.now() + 366 * 86_400_000);
  });

  it('answers unknown and sensitive paths with a real 404', async () => {
    for (const path of ['/.git/HEAD', '/.env', '/backup.zip', '/server-status', '/static/app.js.map', '/nope']) {
      expect((await request(`${https}${path}`)).status, path).toBe(404);
    }
  });

  it('records requests on both schemes', async () => {
    app.clearRequests();
    await request('http://127.0.0.4/x');
    await request(`${https}/`);
    expect(app.requests.map((r) => `${r.scheme} ${r.url}`)).toEqual(['http /x', 'https /']);
  });

  it('redirects to its HTTPS port when started on free ports', async () => {
    const extra = await startHardenedApp({ address: '127.0.0.4', httpPort: 0, httpsPort: 0, cert });
    try {
      const res = await request(`${extra.httpUrl}about`);
      expect(res.headers.location).toBe(`https://127.0.0.4:${extra.httpsPort}/about`);
      expect((await request(res.headers.location!, { ca: cert.ca })).status).toBe(200);
    } finally {
      await extra.stop();
    }
  });
});
