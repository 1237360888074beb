import type { CheckDefinition, Probe, ProbeContext } from '../../check.js';
import type { PageAsset } from '../../page.js';
import type { SafeResponse } from '../../safe-fetch.js';
import { bounded, fetchOrFailure, headerValue, isFailure, mediaType } from './web-http.js';

export const DELIVERY: CheckDefinition = {
  id: 'performance.delivery',
  title: 'Text resources served without compression or caching',
  category: 'performance',
  severity: 'LOW',
  cweId: null,
  confidence: 'CONFIRMED',
  mode: 'PASSIVE',
  profile: 'STANDARD',
  description:
    'Requests the page and its largest same-origin scripts and stylesheets with `Accept-Encoding: gzip, br` and checks that text over 1 KB ' +
    'comes back compressed (Low), and that scripts and stylesheets carry caching headers: Cache-Control max-age, Expires, ETag or Last-Modified (Info).',
  evidence: 'The kind of problem (compression or caching) and the affected URLs with their size and relevant headers',
  remediation:
    'Compress text responses (nginx: `gzip on; gzip_types text/css application/javascript application/json image/svg+xml;` or `brotli on;`) and give ' +
    'static assets a lifetime, ideally fingerprinted file names with `Cache-Control: public, max-age=31536000, immutable`, or at least an ETag or Last-Modified.',
};

/** Bodies at or below this are not worth compressing (the framing costs about as much as it saves). */
const MIN_COMPRESSIBLE_BYTES = 1024;
/** Assets re-requested with Accept-Encoding, largest first: a few show whether the server compresses. */
const MAX_ASSET_REQUESTS = 3;
const MAX_LISTED_URLS = 10;

interface Candidate {
  url: string;
  bytes: number;
  response: SafeResponse;
}

/** Compression and caching of the page and its same-origin scripts and stylesheets. */
export const performanceProbe: Probe = {
  id: 'performance',
  title: 'Compression and caching of text resources',
  checks: [DELIVERY],
  mode: 'PASSIVE',
  profile: 'STANDARD',
  async run(ctx: ProbeContext): Promise<void> {
    const page = await ctx.page();
    if (!page) return;
    const assets = page.assets.filter((a) => (a.kind === 'script' || a.kind === 'style') && a.response.status === 200);

    const candidates: Candidate[] = [];
    if (page.response.status === 200 && isCompressibleText(page.response, null)) {
      candidates.push({ url: page.response.url, bytes: page.response.body.length, response: page.response });
    }
    const assetCandidates = assets
      .filter((a) => isCompressibleText(a.response, a.kind))
      .map((a) => ({ url: a.response.url, bytes: a.response.body.length, response: a.response }))
      .sort((a, b) => b.bytes - a.bytes);
    candidates.push(...assetCandidates.slice(0, MAX_ASSET_REQUESTS));

    const uncompressed: { url: string; bytes: number; contentType: string }[] = [];
    for (const c of candidates.filter((c) => c.bytes > MIN_COMPRESSIBLE_BYTES)) {
      // Some servers compress whatever is asked; no second request is needed to know.
      if (isEncoded(c.response)) continue;
      // page.ts asks without Accept-Encoding, so ask again the way browsers do.
      const res = await fetchOrFailure(ctx, c.url, { headers: { 'accept-encoding': 'gzip, br' }, followRedirects: false, maxBodyBytes: 0 });
      if (isFailure(res) || res.status !== 200 || isEncoded(res)) continue;
      uncompressed.push({ url: c.url, bytes: c.bytes, contentType: mediaType(res.headers) || '(none)' });
    }
    if (uncompressed.length > 0) {
      const list = bounded(uncompressed, MAX_LISTED_URLS);
      ctx.report({
        checkId: DELIVERY.id,
        target: page.response.url,
        location: 'compression',
        description: `${uncompressed.length} text response${uncompressed.length === 1 ? ' is' : 's are'} served uncompressed although the request accepted gzip and br (${list.items.map((u) => `${u.url}, ${u.bytes} bytes`).join('; ')}), so visitors download several times more bytes than needed (gzip or brotli usually shrink text by 60-80%).`,
        evidence: { problem: 'compression', requestAcceptEncoding: 'gzip, br', resources: list.items, more: list.more },
      });
    }

    const uncached = assets.filter((a) => !isCacheable(a.response)).map((a) => describeCaching(a));
    if (uncached.length > 0) {
      const list = bounded(uncached, MAX_LISTED_URLS);
      ctx.report({
        checkId: DELIVERY.id,
        target: page.response.url,
        location: 'caching',
        severity: 'INFO',
        description: `${uncached.length} script${uncached.length === 1 ? '' : 's'} or stylesheet${uncached.length === 1 ? '' : 's'} cannot be cached (no Cache-Control max-age, Expires, ETag or Last-Modified, or marked no-store), so browsers download them again on every page view (${list.items.map((u) => u.url).join(', ')}).`,
        evidence: { problem: 'caching', resources: list.items, more: list.more },
      });
    }
  },
};

const TEXT_TYPES = /^(text\/(html|css|javascript|ecmascript)|application\/(xhtml\+xml|javascript|x-javascript|ecmascript|json|[\w.+-]+\+json)|image\/svg\+xml)$/;

/** HTML, JS, CSS, JSON or SVG by Content-Type; without one, by what the page loaded it as. */
export function isCompressibleText(res: SafeResponse, kind: PageAsset['kind'] | null): boolean {
  const type = mediaType(res.headers);
  if (type === '') return kind === 'script' || kind === 'style';
  return TEXT_TYPES.test(type);
}

function isEncoded(res: SafeResponse): boolean {
  const encoding = (headerValue(res.headers, 'content-encoding') ?? '').toLowerCase();
  return encoding !== '' && encoding !== 'identity';
}

/** Whether a browser may reuse the response: a freshness lifetime or a validator, and not no-store. */
export function isCacheable(res: SafeResponse, now = Date.now()): boolean {
  const cacheControl = (headerValue(res.headers, 'cache-control') ?? '').toLowerCase();
  if (/(?:^|,)\s*no-store\b/.test(cacheControl)) return false;
  const maxAge = /(?:^|,)\s*max-age\s*=\s*"?(\d+)/.exec(cacheControl)?.[1];
  if (maxAge !== undefined && Number(maxAge) > 0) return true;
  const expires = Date.parse(headerValue(res.headers, 'expires') ?? '');
  if (!Number.isNaN(expires) && expires > now) return true;
  return headerValue(res.headers, 'etag') !== undefined || headerValue(res.headers, 'last-modified') !== undefined;
}

function describeCaching(asset: PageAsset): { url: string; kind: string; cacheControl: string | null } {
  return { url: asset.response.url, kind: asset.kind, cacheControl: headerValue(asset.response.headers, 'cache-control') ?? null };
}
