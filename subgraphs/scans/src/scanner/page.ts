import type { SafeResponse } from './safe-fetch.js';
import type { ScanHttp } from './scan-http.js';

/** A same-origin resource of the page, as fetched. */
export interface PageAsset {
  url: string;
  kind: 'script' | 'style' | 'sourcemap' | 'page';
  response: SafeResponse;
}

/** A script written inside the HTML, with the line of the page it starts on (1-based). */
export interface InlineScript {
  line: number;
  content: string;
}

/**
 * The host's page as any visitor sees it: the first URL that answered (after redirects), its HTML,
 * its inline scripts and its same-origin scripts, stylesheets and their source maps.
 */
export interface PageSnapshot {
  /** The URL asked for (before redirects). */
  requestedUrl: string;
  response: SafeResponse;
  html: string;
  inlineScripts: InlineScript[];
  assets: PageAsset[];
  /** Assets that could not be fetched (budget, timeout, error), with the reason. */
  skipped: { url: string; reason: string }[];
}

export interface PageLimits {
  maxAssets: number;
  maxLinkedPages: number;
}

/** Fetches the first of `urls` that answers, then its same-origin assets; null if none answered. */
export async function fetchPage(
  http: ScanHttp,
  urls: string[],
  limits: PageLimits,
): Promise<{ page: PageSnapshot | null; errors: string[] }> {
  const errors: string[] = [];
  for (const url of urls) {
    let response: SafeResponse;
    try {
      response = await http.fetch(url);
    } catch (err) {
      errors.push(`${url}: ${(err as Error).message}`);
      continue;
    }
    const html = isHtml(response) ? response.body.toString('utf8') : '';
    const page: PageSnapshot = { requestedUrl: url, response, html, inlineScripts: inlineScripts(html), assets: [], skipped: [] };
    await fetchAssets(http, page, limits);
    return { page, errors };
  }
  return { page: null, errors };
}

function isHtml(res: SafeResponse): boolean {
  const type = String(res.headers['content-type'] ?? '');
  return type === '' ? /^\s*<(!doctype|html)/i.test(res.body.subarray(0, 256).toString('utf8')) : /html|xml/i.test(type);
}

/** Scripts between <script> tags without src, with their starting line. */
export function inlineScripts(html: string): InlineScript[] {
  const out: InlineScript[] = [];
  const re = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (/\bsrc\s*=/i.test(m[1]!)) continue;
    const start = m.index + m[0].indexOf('>') + 1;
    out.push({ line: lineAt(html, start), content: m[2]! });
  }
  return out;
}

/** 1-based line number of an offset in a text. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Same-origin script, stylesheet and page links of an HTML document, resolved against `base`. */
export function pageLinks(html: string, base: string): { scripts: string[]; styles: string[]; pages: string[] } {
  const origin = new URL(base).origin;
  const baseHref = /<base\b[^>]*\bhref\s*=\s*["']?([^"'\s>]+)/i.exec(html)?.[1];
  const root = baseHref ? safeResolve(baseHref, base) ?? base : base;
  const same = (href: string | undefined): string | null => {
    if (!href) return null;
    const abs = safeResolve(decodeEntities(href), root);
    return abs && new URL(abs).origin === origin ? abs : null;
  };
  const scripts: string[] = [];
  const styles: string[] = [];
  const pages: string[] = [];
  for (const m of html.matchAll(/<script\b[^>]*\bsrc\s*=\s*["']?([^"'\s>]+)/gi)) push(scripts, same(m[1]));
  for (const m of html.matchAll(/<link\b[^>]*>/gi)) {
    if (!/\brel\s*=\s*["']?[^"'>]*stylesheet/i.test(m[0])) continue;
    push(styles, same(/\bhref\s*=\s*["']?([^"'\s>]+)/i.exec(m[0])?.[1]));
  }
  for (const m of html.matchAll(/<a\b[^>]*\bhref\s*=\s*["']?([^"'\s>#]+)/gi)) {
    const url = same(m[1]);
    if (url && !/\.(?:png|jpe?g|gif|svg|webp|ico|pdf|zip|gz|mp4|mp3|woff2?|ttf|css|js)(?:\?|$)/i.test(url)) push(pages, url);
  }
  return { scripts, styles, pages };
}

function push(list: string[], url: string | null): void {
  if (url && !list.includes(url)) list.push(url);
}

function safeResolve(href: string, base: string): string | null {
  try {
    const url = new URL(href, base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

function decodeEntities(s: string): string {
  return s.replace(/&amp;/g, '&').replace(/&#x2f;/gi, '/').replace(/&#47;/g, '/');
}

/** The source map a script or stylesheet names (SourceMap header or sourceMappingURL comment). */
export function sourceMapUrl(asset: SafeResponse): string | null {
  const header = asset.headers['sourcemap'] ?? asset.headers['x-sourcemap'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const tail = asset.body.subarray(Math.max(0, asset.body.length - 4096)).toString('utf8');
  const fromComment = /[#@]\s*sourceMappingURL\s*=\s*(\S+?)\s*(?:\*\/)?\s*$/m.exec(tail)?.[1];
  const ref = fromHeader ?? fromComment;
  if (!ref || ref.startsWith('data:')) return null;
  const abs = safeResolve(ref, asset.url);
  return abs && new URL(abs).origin === new URL(asset.url).origin ? abs : null;
}

async function fetchAssets(http: ScanHttp, page: PageSnapshot, limits: PageLimits): Promise<void> {
  if (!page.html || limits.maxAssets <= 0) return;
  const base = page.response.url;
  const links = pageLinks(page.html, base);
  const wanted: { url: string; kind: PageAsset['kind'] }[] = [
    ...links.scripts.map((url) => ({ url, kind: 'script' as const })),
    ...links.styles.map((url) => ({ url, kind: 'style' as const })),
    ...links.pages.filter((u) => u !== base).slice(0, limits.maxLinkedPages).map((url) => ({ url, kind: 'page' as const })),
  ].slice(0, limits.maxAssets);
  const results = await Promise.all(wanted.map((w) => fetchAsset(http, page, w.url, w.kind)));
  // Source maps the page's own scripts and stylesheets name are part of what a visitor can read.
  const maps = results
    .filter((a): a is PageAsset => a !== null && (a.kind === 'script' || a.kind === 'style'))
    .map((a) => sourceMapUrl(a.response))
    .filter((u): u is string => u !== null);
  const room = Math.max(0, limits.maxAssets - wanted.length);
  await Promise.all([...new Set(maps)].slice(0, room || maps.length).map((url) => fetchAsset(http, page, url, 'sourcemap')));
}

async function fetchAsset(http: ScanHttp, page: PageSnapshot, url: string, kind: PageAsset['kind']): Promise<PageAsset | null> {
  try {
    const response = await http.fetch(url);
    if (response.status >= 400) {
      page.skipped.push({ url, reason: `HTTP ${response.status}` });
      return null;
    }
    const asset = { url: response.url, kind, response };
    page.assets.push(asset);
    return asset;
  } catch (err) {
    page.skipped.push({ url, reason: (err as Error).message });
    return null;
  }
}
