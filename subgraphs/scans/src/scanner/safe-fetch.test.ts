import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../../../lib/net/address-policy.js';
import type { Resolver } from '../target/target.js';
import { PolicyRefusedError, safeFetch, SafeFetchTimeoutError } from './safe-fetch.js';

// Self-signed test-only certificate for 127.0.0.1 and localhost, valid until 2126.
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg7tIMEqZfrRtgLRya
ZnZK+i1xp/g4SwjSjIJlPsRFrJ6hRANCAASZRYN4Q4O9FauDTvA1PrnCKtyGUaOq
S6SyQcRkqNAVFcIHqxCgReLEhICxq6n62ARZzdLRixmkKGnvEh7rwfaO
-----END PRIVATE KEY-----`;
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBpDCCAUmgAwIBAgIUQT9esru/SObaj1TtUDA2ywcUddowCgYIKoZIzj0EAwIw
GDEWMBQGA1UEAwwNZml4Zmlyc3QgdGVzdDAgFw0yNjExMjIwNzU4NDNaGA8yMTI2
MTAyOTA3NTg0M1owGDEWMBQGA1UEAwwNZml4Zmlyc3QgdGVzdDBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABJlFg3hDg70Vq4NO8DU+ucIq3IZRo6pLpLJBxGSo0BUV
wgerEKBF4sSEgLGrqfrYBFnN0tGLGaQoae8SHuvB9o6jbzBtMB0GA1UdDgQWBBRf
QyV3ElcFStZRCWAPl3N6pXycUjAfBgNVHSMEGDAWgBRfQyV3ElcFStZRCWAPl3N6
pXycUjAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwDwYDVR0TAQH/BAUwAwEB
/zAKBggqhkjOPQQDAgNJADBGAiEA+iWinUgk1gcoX3xs1GI2hMbUUHSoOiqiHpH7
pcV642sCIQCcMrfcYB8Aw3qgE7jygDrLte8G0wJqpLYN/SXEQGCwJA==
-----END CERTIFICATE-----`;

interface SeenRequest {
  path: string;
  host: string | undefined;
  userAgent: string | undefined;
  servername?: string | false | null;
}

interface TestServer {
  origin: string;
  port: number;
  requests: SeenRequest[];
  connections: () => number;
}

type Handler = (req: IncomingMessage, res: ServerResponse, server: TestServer) => void;
const servers: (http.Server | https.Server)[] = [];

async function start(handler: Handler, tls = false): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  let connections = 0;
  const state = { origin: '', port: 0, requests, connections: () => connections };
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const servername = tls ? (req.socket as TLSSocket).servername : undefined;
    requests.push({
      path: req.url ?? '',
      host: req.headers.host,
      userAgent: req.headers['user-agent'],
      ...(tls ? { servername } : {}),
    });
    handler(req, res, state);
  };
  const server = tls ? https.createServer({ key: TEST_KEY, cert: TEST_CERT }, listener) : http.createServer(listener);
  server.on(tls ? 'secureConnection' : 'connection', () => connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.origin = `${tls ? 'https' : 'http'}://127.0.0.1:${state.port}`;
  return state;
}

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

const loopback = new AddressPolicy(['127.0.0.0/8']);
const onlyDotOne = new AddressPolicy(['127.0.0.1/32']);

function fakeResolver(table: Record<string, string[]>, calls: string[] = []): Resolver {
  return async (hostname) => {
    calls.push(hostname);
    const found = table[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found;
  };
}

const hello: Handler = (_req, res) => {
  res.setHeader('set-cookie', ['a=1', 'b=2']);
  res.setHeader('X-Custom', 'yes');
  res.end('hello');
};

describe('safeFetch', () => {
  it('fetches from a loopback server the policy allows and records the hop', async () => {
    const server = await start(hello);
    const res = await safeFetch(`${server.origin}/page?q=1#frag`, { policy: loopback, timeoutMs: 5000 });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello');
    expect(res.truncated).toBe(false);
    expect(res.url).toBe(`${server.origin}/page?q=1`);
    expect(res.headers['x-custom']).toBe('yes');
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(res.hops).toEqual([{ url: `${server.origin}/page?q=1`, status: 200, address: '127.0.0.1' }]);
    expect(res.tls).toBeUndefined();
    expect(server.requests).toEqual([
      { path: '/page?q=1', host: `127.0.0.1:${server.port}`, userAgent: 'fixfirst-scanner/0.1' },
    ]);
  });

  it('refuses a loopback address under the default policy before connecting', async () => {
    const server = await start(hello);
    const error = await safeFetch(`${server.origin}/secret`, { policy: new AddressPolicy([]), timeoutMs: 5000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PolicyRefusedError);
    expect((error as PolicyRefusedError).message).toBe(
      '127.0.0.1 is a loopback address and is not allowed by the scan policy (SCAN_ALLOW_CIDRS)',
    );
    expect((error as PolicyRefusedError).address).toBe('127.0.0.1');
    // A later allowed fetch proves the server was listening and saw only that one request.
    await safeFetch(`${server.origin}/allowed`, { policy: loopback, timeoutMs: 5000 });
    expect(server.requests.map((r) => r.path)).toEqual(['/allowed']);
    expect(server.connections()).toBe(1);
  });

  it('resolves a name once, connects to the checked address and sends the name as Host', async () => {
    const server = await start(hello);
    const calls: string[] = [];
    const resolve = fakeResolver({ 'app.example.test': ['127.0.0.1'] }, calls);
    const res = await safeFetch(`http://APP.example.test:${server.port}/`, { policy: loopback, resolve, timeoutMs: 5000 });
    expect(res.status).toBe(200);
    expect(calls).toEqual(['app.example.test']);
    expect(server.requests[0]!.host).toBe(`app.example.test:${server.port}`);
    expect(res.hops[0]!.address).toBe('127.0.0.1');
  });

  it('refuses a name when any one of its addresses is refused', async () => {
    const server = await start(hello);
    const resolve = fakeResolver({ 'mixed.example.test': ['127.0.0.1', '10.0.0.7'] });
    const error = await safeFetch(`http://mixed.example.test:${server.port}/`, { policy: loopback, resolve, timeoutMs: 5000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PolicyRefusedError);
    expect((error as Error).message).toContain('10.0.0.7 is a private address');
    expect(server.requests).toEqual([]);
  });

  it('says which name could not be resolved', async () => {
    await expect(
      safeFetch('http://nowhere.example.test/', { policy: loopback, resolve: fakeResolver({}), timeoutMs: 5000 }),
    ).rejects.toThrow('could not resolve nowhere.example.test');
  });

  it('follows relative and absolute redirects and records every hop', async () => {
    const server = await start((req, res, s) => {
      if (req.url === '/a') res.writeHead(302, { location: '/b' }).end();
      else if (req.url === '/b') res.writeHead(301, { location: `${s.origin}/c` }).end();
      else res.end('final');
    });
    const res = await safeFetch(`${server.origin}/a`, { policy: loopback, timeoutMs: 5000 });
    expect(res.body.toString()).toBe('final');
    expect(res.url).toBe(`${server.origin}/c`);
    expect(res.hops).toEqual([
      { url: `${server.origin}/a`, status: 302, address: '127.0.0.1' },
      { url: `${server.origin}/b`, status: 301, address: '127.0.0.1' },
      { url: `${server.origin}/c`, status: 200, address: '127.0.0.1' },
    ]);
  });

  it('refuses a redirect hop whose name resolves to a refused address', async () => {
    const server = await start((_req, res, s) => res.writeHead(302, { location: `http://evil.example.test:${s.port}/x` }).end());
    const resolve = fakeResolver({ 'evil.example.test': ['127.0.0.3'] });
    const error = await safeFetch(`${server.origin}/go`, { policy: onlyDotOne, resolve, timeoutMs: 5000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PolicyRefusedError);
    expect((error as PolicyRefusedError).url).toBe(`http://evil.example.test:${server.port}/x`);
    expect((error as PolicyRefusedError).message).toBe(
      '127.0.0.3 is a loopback address and is not allowed by the scan policy (SCAN_ALLOW_CIDRS)',
    );
    expect(server.requests.map((r) => r.path)).toEqual(['/go']);
  });

  it('stops after the maximum number of redirects', async () => {
    const server = await start((_req, res) => res.writeHead(307, { location: '/loop' }).end());
    await expect(safeFetch(`${server.origin}/loop`, { policy: loopback, timeoutMs: 5000, maxRedirects: 2 })).rejects.toThrow(
      `Too many redirects fetching ${server.origin}/loop: stopped after 2`,
    );
    expect(server.requests).toHaveLength(3);
  });

  it('refuses a redirect to a scheme other than http or https', async () => {
    const server = await start((_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end());
    await expect(safeFetch(`${server.origin}/`, { policy: loopback, timeoutMs: 5000 })).rejects.toThrow(
      'Refusing to fetch file:///etc/passwd',
    );
  });

  it('truncates a body larger than maxBodyBytes and keeps one of exactly that size', async () => {
    const server = await start((req, res) => res.end('x'.repeat(req.url === '/big' ? 100_000 : 1000)));
    const big = await safeFetch(`${server.origin}/big`, { policy: loopback, timeoutMs: 5000, maxBodyBytes: 1000 });
    expect(big.body.length).toBe(1000);
    expect(big.truncated).toBe(true);
    const exact = await safeFetch(`${server.origin}/exact`, { policy: loopback, timeoutMs: 5000, maxBodyBytes: 1000 });
    expect(exact.body.length).toBe(1000);
    expect(exact.truncated).toBe(false);
  });

  it('fails with an error naming the URL that timed out', async () => {
    const server = await start(() => undefined);
    const error = await safeFetch(`${server.origin}/slow`, { policy: loopback, timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SafeFetchTimeoutError);
    expect((error as Error).message).toBe(`Timed out after 200 ms fetching ${server.origin}/slow`);
  });

  it('times out while a name is still resolving', async () => {
    const resolve: Resolver = () => new Promise<string[]>(() => undefined);
    await expect(
      safeFetch('http://stuck.example.test/', { policy: loopback, resolve, timeoutMs: 50 }),
    ).rejects.toThrow(new SafeFetchTimeoutError('http://stuck.example.test/', 50));
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const server = await start(() => controller.abort(new Error('scan cancelled')));
    await expect(
      safeFetch(`${server.origin}/`, { policy: loopback, timeoutMs: 5000, signal: controller.signal }),
    ).rejects.toThrow('scan cancelled');
  });

  describe('over HTTPS', () => {
    it('fetches despite a self-signed certificate and reports it as unauthorised', async () => {
      const server = await start(hello, true);
      const res = await safeFetch(`${server.origin}/`, { policy: loopback, timeoutMs: 5000 });
      expect(res.body.toString()).toBe('hello');
      expect(res.tls).toEqual({ authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      expect(server.requests[0]!.servername).toBe(false);
    });

    it('reports the certificate as authorised when its CA is supplied', async () => {
      const server = await start(hello, true);
      const res = await safeFetch(`${server.origin}/`, { policy: loopback, timeoutMs: 5000, ca: TEST_CERT });
      expect(res.tls).toEqual({ authorized: true });
    });

    it('sends the name as SNI and reports a certificate that does not cover it', async () => {
      const server = await start(hello, true);
      const resolve = fakeResolver({ 'shop.example.test': ['127.0.0.1'] });
      const res = await safeFetch(`https://shop.example.test:${server.port}/`, {
        policy: loopback,
        resolve,
        timeoutMs: 5000,
        ca: TEST_CERT,
      });
      expect(server.requests[0]).toMatchObject({ servername: 'shop.example.test', host: `shop.example.test:${server.port}` });
      expect(res.tls).toEqual({ authorized: false, authorizationError: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    });
  });
});
