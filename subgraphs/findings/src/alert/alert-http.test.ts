import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { postJson, type HostResolver, type PostOptions } from './alert-http.js';

const run = promisify(execFile);
// This test's own loopback address; only the injected resolver maps names to it.
const HOST = '127.0.0.85';
const NAME = 'hooks.alerts.test';

async function certFor(dir: string, name: string): Promise<{ cert: string; key: string }> {
  const keyFile = path.join(dir, `${name}-key.pem`);
  const certFile = path.join(dir, `${name}-cert.pem`);
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`]);
  return { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
}

type Handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;

describe('alert webhook POSTs: one resolution, checked addresses, verified TLS, no redirects, bounded', () => {
  let dir: string;
  let good: { cert: string; key: string };
  let other: { cert: string; key: string };
  const servers: https.Server[] = [];

  async function serve(tls: { cert: string; key: string }, handler: Handler): Promise<{ port: number; hits: () => number }> {
    let hits = 0;
    const server = https.createServer(tls, (req, res) => {
      hits++;
      handler(req, res);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, HOST, () => r()));
    return { port: (server.address() as AddressInfo).port, hits: () => hits };
  }

  const options = (resolve: HostResolver, extra: Partial<PostOptions> = {}): PostOptions => ({
    policy: AddressPolicy.parse(`${HOST}/32`),
    allowHttp: false,
    resolve,
    timeoutMs: 3_000,
    ca: good.cert,
    headers: {},
    ...extra,
  });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-alert-http-'));
    good = await certFor(dir, NAME);
    other = await certFor(dir, 'someone-else.test');
  });
  afterAll(async () => {
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    await rm(dir, { recursive: true, force: true });
  });

  it('resolves the name once and connects to that address, verifying TLS for the name', async () => {
    let host = '';
    const srv = await serve(good, (req, res) => {
      host = req.headers.host ?? '';
      req.resume().on('end', () => res.end('ok'));
    });
    const lookups: string[] = [];
    const out = await postJson(`https://${NAME}:${srv.port}/services/T0/B0/x`, '{}', options(async (h) => (lookups.push(h), [HOST])));
    expect(out).toEqual({ ok: true, status: 200, error: null });
    expect(lookups).toEqual([NAME]);
    expect(host).toBe(`${NAME}:${srv.port}`);
  });

  it('refuses a certificate for another name, without leaking the URL path', async () => {
    const srv = await serve(other, (req, res) => req.resume().on('end', () => res.end('ok')));
    const ca = `${good.cert}\n${other.cert}`;
    const err = await postJson(`https://${NAME}:${srv.port}/secret-path-token`, '{}', options(async () => [HOST], { ca })).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/altnames|certificate/i);
    expect(err?.message).not.toContain('secret-path-token');
  });

  it('checks every address the name has: one refused address refuses the URL before any connection', async () => {
    const srv = await serve(good, (_req, res) => res.end('ok'));
    const err = await postJson(`https://${NAME}:${srv.port}/x`, '{}', options(async () => [HOST, '10.1.2.3'])).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.name).toBe('DestinationRefusedError');
    expect(err?.message).toMatch(/10\.1\.2\.3 is a private address/);
    expect(srv.hits()).toBe(0);
  });

  it('follows no redirect', async () => {
    const srv = await serve(good, (req, res) => req.resume().on('end', () => res.writeHead(302, { location: 'https://169.254.169.254/' }).end()));
    const out = await postJson(`https://${NAME}:${srv.port}/x`, '{}', options(async () => [HOST]));
    expect(out).toMatchObject({ ok: false, status: 302, error: expect.stringMatching(/redirects are not followed/) });
    expect(srv.hits()).toBe(1);
  });

  it('gives up at the deadline on a receiver that answers slowly, byte by byte', async () => {
    const timers: NodeJS.Timeout[] = [];
    const srv = await serve(good, (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      // A byte every 100 ms keeps the socket busy (no idle timeout) but never ends.
      timers.push(setInterval(() => res.write('.'), 100));
      res.on('close', () => timers.forEach(clearInterval));
    });
    const err = await postJson(`https://${NAME}:${srv.port}/x`, '{}', options(async () => [HOST], { timeoutMs: 1_000 })).then(
      () => null,
      (e: Error) => e,
    );
    timers.forEach(clearInterval);
    expect(err).not.toBeNull();
  });

  it('gives up at the deadline on a name that never resolves', async () => {
    const err = await postJson(`https://${NAME}/x`, '{}', options(() => new Promise<string[]>(() => undefined), { timeoutMs: 1_000 })).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/within 1000 ms/);
  });

  it('stops reading a large answer after its cap instead of downloading it', async () => {
    let finished = false;
    const srv = await serve(good, (req, res) => {
      req.resume().on('end', () => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        let left = 1024; // 64 MiB
        const pump = (): void => {
          while (left > 0) {
            left--;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('finish', () => (finished = true));
        res.on('error', () => undefined);
        pump();
      });
    });
    const out = await postJson(`https://${NAME}:${srv.port}/x`, '{}', options(async () => [HOST], { timeoutMs: 30_000 }));
    expect(out.ok).toBe(false);
    expect(out.status).toBe(500);
    expect(out.error!.length).toBeLessThan(300);
    expect(finished).toBe(false);
  });
});
