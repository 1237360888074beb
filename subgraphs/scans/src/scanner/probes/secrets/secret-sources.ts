import type { PageSnapshot } from '../../page.js';

/** Where a scanned text came from, in the words the evidence uses. */
export type TextContainer = 'html' | 'linked page' | 'script' | 'stylesheet' | 'source map' | 'inline source map';

/** One text a visitor can read, with what the findings need to say where a secret sits in it. */
export interface ScannedText {
  /** HTML of pages goes to secrets.patterns; scripts, stylesheets and source maps to secrets.js-bundle-sweep. */
  checkId: 'secrets.patterns' | 'secrets.js-bundle-sweep';
  /** The URL that was fetched (for source-map content, the map's or the script's URL). */
  url: string;
  container: TextContainer;
  /** The original file a source map's sourcesContent entry belongs to. */
  sourceFile?: string;
  text: string;
}

/**
 * Every text of the page worth searching: its HTML (inline scripts included), linked pages,
 * same-origin scripts and stylesheets, and the original sources embedded in their source maps
 * (fetched ones and `data:` ones at the end of a script).
 */
export function textsOfPage(page: PageSnapshot): ScannedText[] {
  const out: ScannedText[] = [];
  if (page.html) out.push({ checkId: 'secrets.patterns', url: page.response.url, container: 'html', text: page.html });
  for (const asset of page.assets) {
    const text = asset.response.body.toString('utf8');
    if (asset.kind === 'page') {
      out.push({ checkId: 'secrets.patterns', url: asset.url, container: 'linked page', text });
    } else if (asset.kind === 'sourcemap') {
      const sources = sourceMapContents(text);
      // A map cut short by the size limit is not JSON any more: search its raw text instead.
      if (sources === null) out.push({ checkId: 'secrets.js-bundle-sweep', url: asset.url, container: 'source map', text });
      else for (const s of sources) out.push({ checkId: 'secrets.js-bundle-sweep', url: asset.url, container: 'source map', sourceFile: s.source, text: s.content });
    } else {
      out.push({ checkId: 'secrets.js-bundle-sweep', url: asset.url, container: asset.kind === 'script' ? 'script' : 'stylesheet', text });
      for (const s of inlineSourceMap(text) ?? []) {
        out.push({ checkId: 'secrets.js-bundle-sweep', url: asset.url, container: 'inline source map', sourceFile: s.source, text: s.content });
      }
    }
  }
  return out;
}

/** The sourcesContent of a source map (index maps' sections too), or null if it is not valid JSON. */
export function sourceMapContents(json: string): { source: string; content: string }[] | null {
  let map: unknown;
  try {
    map = JSON.parse(json.replace(/^\)\]\}'[^\n]*\n/, ''));
  } catch {
    return null;
  }
  const out: { source: string; content: string }[] = [];
  const collect = (node: unknown, depth: number): void => {
    if (!node || typeof node !== 'object' || depth > 3) return;
    const m = node as { sources?: unknown; sourcesContent?: unknown; sections?: unknown };
    if (Array.isArray(m.sections)) for (const section of m.sections) collect((section as { map?: unknown })?.map, depth + 1);
    if (!Array.isArray(m.sourcesContent)) return;
    const sources = Array.isArray(m.sources) ? m.sources : [];
    m.sourcesContent.forEach((content: unknown, i: number) => {
      if (typeof content === 'string' && content) out.push({ source: typeof sources[i] === 'string' ? sources[i] : `source #${i}`, content });
    });
  };
  collect(map, 0);
  return out;
}

/** A `//# sourceMappingURL=data:application/json;base64,…` map at the end of a script, decoded. */
export function inlineSourceMap(code: string): { source: string; content: string }[] | null {
  const at = code.lastIndexOf('sourceMappingURL=data:');
  if (at < 0) return null;
  const m = /^sourceMappingURL=data:application\/json;(?:charset=[^;,]+;)?base64,([A-Za-z0-9+/=]+)/i.exec(code.slice(at));
  return m ? sourceMapContents(Buffer.from(m[1]!, 'base64').toString('utf8')) : null;
}

/** Line (1-based) and column (1-based) of offsets in one text, with one pass over its newlines. */
export function positionFinder(text: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  };
}

/** Offset ranges of the scripts written inside an HTML page (no src), to say a secret sits in one. */
export function inlineScriptRanges(html: string): [number, number][] {
  const out: [number, number][] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    if (/\bsrc\s*=/i.test(m[1]!)) continue;
    const start = m.index + m[0].indexOf('>') + 1;
    out.push([start, start + m[2]!.length]);
  }
  return out;
}
