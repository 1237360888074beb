import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProbeContext } from '../../../../../../test/support/probe-context.js';
import { schemePair, transportProbe } from './transport.probe.js';
import { closedPort, LAB_HOST, startWebLab, type LabResponse, type WebLab } from './web-lab.test-support.js';

describe('schemePair', () => {
  it('takes both URLs of an IP or domain target', () => {
    expect(schemePair({ urls: ['https://shop.example/', 'http://shop.example/'] })).toEqual({ https: 'https://shop.example/', http: 'http://shop.example/' });
  });

  it('derives the other scheme of a URL target on its default port, keeping the path', () => {
    expect(schemePair({ urls: ['http://10.0.0.1/login'] })).toEqual({ https: 'https://10.0.0.1/login', http: 'http://10.0.0.1/login' });
    expect(schemePair({ urls: ['https://shop.example/app?x=1'] })).toEqual({ https: 'https://shop.example/app?x=1', http: 'http://shop.example/app?x=1' });
  });

  it('pairs nothing for a URL target on a port of its own', () => {
    expect(schemePair({ urls: ['https://shop.example:8443/app?x=1'] })).toBeNull();
    expect(schemePair({ urls: ['http://[2001:db8::1]:8080/'] })).toBeNull();
  });

  it('has nothing to pair without URLs', () => {
    expect(schemePair({ urls: [] })).toBeNull();
  });
});

describe('transportProbe', () => {
  let lab: WebLab;
  beforeAll(async () => {
    const page: LabResponse = { headers: { 'content-type': 'text/html', server: 'lab/1.0' }, body: '<!doctype html><p>plain' };
    const plain = (req: IncomingMessage): LabResponse => {
      if (req.url === '/served') return page;
      if (req.url === '/redirected') return { status: 301, headers: { location: `${lab.httpsUrl}redirected` } };
      if (req.url === '/via-www') return { status: 301, headers: { location: `http://www.${LAB_HOST}.nip.invalid/` } };
      return { status: 404 };
    };
    lab = await startWebLab({ http: plain, https: () => page });
  });
  afterAll(() => lab?.close());

  /** A host that answers on both schemes, like an IP or domain target. */
  const scan = async (httpsUrl: string, httpUrl: string) => {
    const ctx = makeProbeContext({ target: httpsUrl, profile: 'LIGHT' });
    ctx.host.urls = [httpsUrl, httpUrl];
    const before = lab.requests.length;
    await transportProbe.run(ctx);
    return { findings: ctx.findings, sent: lab.requests.slice(before) };
  };

  it('reports plain HTTP serving the page while HTTPS is available, from the first hop', async () => {
    const { findings, sent } = await scan(`${lab.httpsUrl}served`, `${lab.httpUrl}served`);
    expect(findings).toEqual([
      expect.objectContaining({
        checkId: 'transport.http-not-redirected',
        target: `${lab.httpUrl}served`,
        evidence: expect.objectContaining({ httpUrl: `${lab.httpUrl}served`, httpStatus: 200, httpsStatus: 200 }),
      }),
    ]);
    expect(sent.map((r) => `${r.scheme} ${r.path}`)).toEqual(['http /served', 'https /served']);
  });

  it('accepts a redirect, without following it', async () => {
    const { findings, sent } = await scan(`${lab.httpsUrl}redirected`, `${lab.httpUrl}redirected`);
    expect(findings).toEqual([]);
    expect(sent).toHaveLength(2);
  });

  it('does not judge a redirect to another plain HTTP URL or an error status', async () => {
    expect((await scan(`${lab.httpsUrl}via-www`, `${lab.httpUrl}via-www`)).findings).toEqual([]);
    expect((await scan(`${lab.httpsUrl}missing`, `${lab.httpUrl}missing`)).findings).toEqual([]);
  });

  it('reports a site that answers only over plain HTTP', async () => {
    const https = `https://${LAB_HOST}:${await closedPort()}/served`;
    const { findings } = await scan(https, `${lab.httpUrl}served`);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ checkId: 'transport.no-https', target: `${lab.httpUrl}served`, evidence: { httpStatus: 200, httpsUrl: https } });
    expect(String(findings[0]!.evidence.httpsError)).toMatch(/ECONNREFUSED/);
  });

  it('reports nothing when plain HTTP does not answer, with one request', async () => {
    const { findings, sent } = await scan(`${lab.httpsUrl}served`, `http://${LAB_HOST}:${await closedPort()}/served`);
    expect(findings).toEqual([]);
    expect(sent).toHaveLength(0);
  });
});
