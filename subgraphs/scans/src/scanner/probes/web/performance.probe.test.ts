import type { IncomingMessage } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProbeContext } from '../../../../../../test/support/probe-context.js';
import type { SafeResponse } from '../../safe-fetch.js';
import { isCacheable, isCompressibleText, performanceProbe } from './performance.probe.js';
import { htmlOfSize, startWebLab, type LabResponse, type WebLab } from './web-lab.test-support.js';

const response = (headers: Record<string, string>): SafeResponse => ({ url: 'https://a.example/x', status: 200, headers, body: Buffer.alloc(0), truncated: false, hops: [] });

describe('isCacheable', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    [{ 'cache-control': 'public, max-age=600' }, true],
    // s-maxage is for shared caches only: browsers still download again
    [{ 'cache-control': 's-maxage=60' }, false],
    [{ 'cache-control': 'max-age=0' }, false],
    [{ etag: '"v1"' }, true],
    [{ 'last-modified': 'Wed, 01 Oct 2025 00:00:00 GMT' }, true],
    [{ expires: 'Fri, 01 Jan 2027 00:00:00 GMT' }, true],
    [{ expires: '0' }, false],
    [{ 'cache-control': 'no-store', etag: '"v1"' }, false],
    [{}, false],
  ])('judges %j as cacheable: %s', (headers, expected) => {
    expect(isCacheable(response(headers), now)).toBe(expected);
  });
});

describe('isCompressibleText', () => {
  it('knows text types by Content-Type, and by the asset kind without one', () => {
    expect(isCompressibleText(response({ 'content-type': 'application/ld+json' }), null)).toBe(true);
    expect(isCompressibleText(response({ 'content-type': 'image/svg+xml' }), null)).toBe(true);
    expect(isCompressibleText(response({ 'content-type': 'image/png' }), 'script')).toBe(false);
    expect(isCompressibleText(response({}), 'style')).toBe(true);
    expect(isCompressibleText(response({}), null)).toBe(false);
  });
});

const SCRIPTS = Array.from({ length: 12 }, (_, i) => `/s${i}.js`);
/** Script i is 1100 + 100·i bytes, so the largest are s11, s10, s9. */
const scriptBody = (i: number): string => `// ${i}\n`.padEnd(1100 + 100 * i, 'x');

describe('performanceProbe', () => {
  let lab: WebLab;
  beforeAll(async () => {
    const tags = SCRIPTS.map((s) => `<script src="/slow${s}"></script>`).join('');
    lab = await startWebLab({
      https: (req: IncomingMessage): LabResponse => {
        const gzip = String(req.headers['accept-encoding'] ?? '').includes('gzip');
        const path = req.url ?? '/';
        // /slow...: never compressed, never cacheable
        if (path === '/slow') return { headers: { 'content-type': 'text/html' }, body: htmlOfSize(5000, tags) };
        const m = /^\/slow\/s(\d+)\.js$/.exec(path);
        if (m) return { headers: { 'content-type': 'text/javascript' }, body: scriptBody(Number(m[1])) };
        // /tiny: nothing worth compressing; its script is cached by ETag
        if (path === '/tiny') return { headers: { 'content-type': 'text/html' }, body: '<!doctype html><script src="/t.js"></script>' };
        if (path === '/t.js') return { headers: { 'content-type': 'text/javascript', etag: '"1"' }, body: 'console.log(1)' };
        // /always-gzip: compresses even when not asked, so no second request is needed
        if (path === '/always-gzip') return { headers: { 'content-type': 'text/html', 'content-encoding': 'gzip' }, body: gzipSync(htmlOfSize(5000)) };
        // /fast: compresses when asked, caches assets
        if (path === '/fast') return { headers: { 'content-type': 'text/html', ...(gzip ? { 'content-encoding': 'br' } : {}) }, body: htmlOfSize(3000, '<link rel=stylesheet href="/f.css">') };
        if (path === '/f.css') return { headers: { 'content-type': 'text/css', 'cache-control': 'max-age=86400', ...(gzip ? { 'content-encoding': 'gzip' } : {}) }, body: 'a{}'.repeat(800) };
        return { status: 404 };
      },
    });
  });
  afterAll(() => lab?.close());

  const scan = async (path: string) => {
    const ctx = makeProbeContext({ target: `${lab.httpsUrl}${path}`, profile: 'STANDARD' });
    const before = lab.requests.length;
    await performanceProbe.run(ctx);
    return { findings: ctx.findings, sent: lab.requests.slice(before) };
  };

  it('reports uncompressed text and uncached assets once each, with bounded URL lists', async () => {
    const { findings, sent } = await scan('slow');
    expect(findings.map((f) => [f.checkId, f.location, f.severity])).toEqual([
      ['performance.delivery', 'compression', undefined],
      ['performance.delivery', 'caching', 'INFO'],
    ]);
    const compression = findings[0]!.evidence as { resources: { url: string; bytes: number }[]; more: number };
    // the page and the three largest scripts, asked again with Accept-Encoding
    expect(compression.resources.map((r) => new URL(r.url).pathname)).toEqual(['/slow', '/slow/s11.js', '/slow/s10.js', '/slow/s9.js']);
    expect(compression.resources[1]!.bytes).toBe(2200);
    const caching = findings[1]!.evidence as { resources: unknown[]; more: number };
    expect(caching.resources).toHaveLength(10);
    expect(caching.more).toBe(2);
    const asked = sent.filter((r) => r.headers['accept-encoding'] === 'gzip, br');
    expect(asked).toHaveLength(4);
  });

  it('sends no extra request when nothing is big enough to compress, and accepts an ETag as caching', async () => {
    const { findings, sent } = await scan('tiny');
    expect(findings).toEqual([]);
    expect(sent.map((r) => r.path)).toEqual(['/tiny', '/t.js']);
  });

  it('trusts a response that came compressed unasked', async () => {
    const { findings, sent } = await scan('always-gzip');
    expect(findings).toEqual([]);
    expect(sent).toHaveLength(1);
  });

  it('reports nothing for compressed, cacheable delivery', async () => {
    const { findings, sent } = await scan('fast');
    expect(findings).toEqual([]);
    expect(sent.filter((r) => r.headers['accept-encoding'] === 'gzip, br').map((r) => r.path)).toEqual(['/fast', '/f.css']);
  });
});
