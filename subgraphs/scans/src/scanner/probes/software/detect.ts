import type { PageSnapshot } from '../../page.js';
import { productByAlias } from './fingerprints.js';

/** A product a host names, with the version it gives (if any) and where it said so. */
export interface SoftwareObservation {
  /** The name as disclosed (`Apache`, `PHP`, `WordPress`). */
  name: string;
  /** Canonical product id when the fingerprint table knows the name. */
  productId: string | null;
  version: string | null;
  /** Where: `Server header`, `meta generator`, `script URL https://…`, `script banner https://…`. */
  source: string;
  /** A distribution build (Ubuntu, Debian, …): its packages backport fixes without changing the version. */
  distribution: string | null;
}

/** One header or generator tag that names products with versions: one version-disclosure finding each. */
export interface Disclosure {
  /** The header's name (`Server`, `X-Powered-By`, …) or `meta generator`. */
  location: string;
  values: string[];
  products: SoftwareObservation[];
}

/** Headers whose whole purpose is to name the software, in their usual spelling. */
const BANNER_HEADERS = ['Server', 'X-Powered-By', 'X-AspNet-Version', 'X-AspNetMvc-Version', 'X-Generator'] as const;

const DISTRIBUTIONS: [RegExp, string][] = [
  [/ubuntu/i, 'Ubuntu'],
  [/\bdebian\b|[+~]deb\d|\bdeb\d+u\d/i, 'Debian'],
  [/\bcentos\b/i, 'CentOS'],
  [/\bred ?hat\b|\.el\d/i, 'Red Hat'],
  [/\brocky\b/i, 'Rocky Linux'],
  [/\balmalinux\b/i, 'AlmaLinux'],
  [/\bfedora\b|\.fc\d\d/i, 'Fedora'],
  [/\bamazon\b|\.amzn\d/i, 'Amazon Linux'],
  [/\bsuse\b/i, 'SUSE'],
  [/\braspbian\b/i, 'Raspbian'],
  // FIPS builds of OpenSSL come from enterprise distributions, which backport fixes too.
  [/-fips\b/i, 'FIPS vendor build'],
];

function distributionOf(text: string): string | null {
  return DISTRIBUTIONS.find(([re]) => re.test(text))?.[1] ?? null;
}

/** A version as products write one: digits, dots, an optional letter and suffix. */
const VERSION = String.raw`\d+(?:\.\d+)*[a-z]{0,2}(?:[-~+][0-9A-Za-z.~+-]*)?`;

/** `Apache/2.4.49 (Unix) OpenSSL/1.0.2k-fips PHP/7.4.3`: product/version tokens, comments in parentheses. */
export function parseProductTokens(value: string): { tokens: { name: string; version: string | null }[]; comments: string[] } {
  const comments = [...value.matchAll(/\(([^)]*)\)/g)].map((m) => m[1]!.trim());
  const tokens = value
    .replace(/\([^)]*\)/g, ' ')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((token) => {
      const m = new RegExp(`^([A-Za-z][\\w.!-]*?)/(${VERSION})$`).exec(token);
      return m ? { name: m[1]!, version: m[2]! } : { name: token.replace(/\/.*$/, ''), version: null };
    })
    .filter((t) => /^[A-Za-z]/.test(t.name));
  return { tokens, comments };
}

/** `WordPress 6.4.2`, `Drupal 10 (https://www.drupal.org)`, `Joomla! 1.5 - Open Source…`: the name and its version. */
export function parseGenerator(value: string): { name: string; version: string | null } | null {
  const m = new RegExp(`^\\s*([A-Za-z][\\w.!+' -]*?)[\\s/]+v?(${VERSION})(?=$|[\\s;,()|-])`).exec(value);
  if (m) return { name: m[1]!.trim(), version: m[2]! };
  const name = /^\s*([A-Za-z][\w.!+-]*)/.exec(value)?.[1];
  return name ? { name, version: null } : null;
}

/** Only a dotted version tells an attacker which release runs; `Apache/2` or `Drupal 7` does not. */
export function isDisclosingVersion(version: string | null): boolean {
  return version !== null && /^\d+\.\d+/.test(version);
}

function headerValues(headers: Record<string, string | string[]>, name: string): string[] {
  const wanted = name.toLowerCase();
  return Object.entries(headers)
    .filter(([key]) => key.toLowerCase() === wanted)
    .flatMap(([, value]) => (Array.isArray(value) ? value : [value]))
    .map((v) => v.trim())
    .filter(Boolean);
}

function observation(name: string, version: string | null, source: string, distribution: string | null): SoftwareObservation {
  return { name, productId: productByAlias(name)?.id ?? null, version, source, distribution: distribution ?? (version ? distributionOf(version) : null) };
}

/** What the page's response headers and generator tags say about its software, grouped by where. */
export function bannerDisclosures(page: PageSnapshot): Disclosure[] {
  const out: Disclosure[] = [];
  const headers = page.response.headers;
  for (const header of BANNER_HEADERS) {
    const values = headerValues(headers, header);
    if (values.length === 0) continue;
    const products: SoftwareObservation[] = [];
    for (const value of values) {
      const source = `${header} header`;
      if (header === 'X-AspNet-Version' || header === 'X-AspNetMvc-Version') {
        products.push(observation(header === 'X-AspNet-Version' ? 'ASP.NET' : 'ASP.NET MVC', value, source, null));
      } else if (header === 'X-Generator') {
        const g = parseGenerator(value);
        if (g) products.push(observation(g.name, g.version, source, null));
      } else {
        const { tokens, comments } = parseProductTokens(value);
        // A distribution named anywhere in the banner ("Apache/2.4.6 (CentOS) OpenSSL/1.0.2k-fips") covers every module it lists.
        const distribution = distributionOf(comments.join(' '));
        for (const t of tokens) products.push(observation(t.name, t.version, source, distribution));
      }
    }
    out.push({ location: header, values, products });
  }
  const generators = metaGenerators(page.html);
  if (generators.length > 0) {
    const products = generators
      .map(parseGenerator)
      .filter((g): g is { name: string; version: string | null } => g !== null)
      .map((g) => observation(g.name, g.version, 'meta generator', null));
    out.push({ location: 'meta generator', values: generators, products });
  }
  return out;
}

/** The content of every `<meta name="generator">`, whatever the attribute order and quoting. */
export function metaGenerators(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<meta\b[^>]*>/gi)) {
    const tag = m[0];
    if (!/\bname\s*=\s*["']?generator["'\s/>]/i.test(tag)) continue;
    const content = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i.exec(tag);
    const value = (content?.[1] ?? content?.[2] ?? content?.[3] ?? '').trim();
    if (value) out.push(decodeEntities(value));
  }
  return out;
}

function decodeEntities(s: string): string {
  return s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#0?39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/** jQuery versions named by the page's script URLs (any origin: the URL is read, never fetched) and script banners. */
export function jqueryObservations(page: PageSnapshot): SoftwareObservation[] {
  const out: SoftwareObservation[] = [];
  for (const m of page.html.matchAll(/<script\b[^>]*\bsrc\s*=\s*["']?([^"'\s>]+)/gi)) {
    const src = m[1]!.replace(/&amp;/g, '&');
    const version = jqueryVersionFromUrl(src);
    if (version) out.push(observation('jQuery', version, `script URL ${absolute(src, page.response.url)}`, null));
  }
  for (const asset of page.assets) {
    if (asset.kind !== 'script') continue;
    const banner = jqueryVersionFromBanner(asset.response.body.toString('utf8'));
    if (banner) out.push(observation('jQuery', banner, `script banner ${asset.url}`, null));
  }
  return out;
}

/**
 * `jquery-3.4.1.min.js`, `/ajax/libs/jquery/3.4.1/jquery.min.js`, `/npm/jquery@3.4.1/dist/jquery.js`, and
 * WordPress's own `/wp-includes/js/jquery/jquery.min.js?ver=3.7.1` (other `?ver=` values are theme or
 * WordPress versions, not jQuery's, so they are not trusted).
 */
export function jqueryVersionFromUrl(src: string): string | null {
  const [path = '', query = ''] = src.split('#')[0]!.split('?');
  const v = String.raw`(\d+\.\d+\.\d+(?:-[a-z]+\.?\d*)?)`;
  const file = path.slice(path.lastIndexOf('/') + 1);
  const named = new RegExp(`^jquery[-.]v?${v}(?:\\.slim)?(?:\\.min)?\\.js$`, 'i').exec(file);
  if (named) return named[1]!;
  const folder = new RegExp(`/jquery(?:/|@)${v}/(?:dist/)?jquery(?:\\.slim)?(?:\\.min)?\\.js$`, 'i').exec(path);
  if (folder) return folder[1]!;
  if (/\/wp-includes\/js\/jquery\/jquery(?:\.min)?\.js$/i.test(path)) {
    return new RegExp(`(?:^|&)ver=${v}(?:&|$)`, 'i').exec(query)?.[1] ?? null;
  }
  return null;
}

/** `/*! jQuery v3.4.1 | (c) …` or `jQuery JavaScript Library v1.12.4`; not jQuery UI or Migrate. */
export function jqueryVersionFromBanner(code: string): string | null {
  return /\/\*!?[\s*]*jQuery (?:JavaScript Library )?v(\d+\.\d+\.\d+(?:-[a-z]+\.?\d*)?)[\s|]/.exec(code)?.[1] ?? null;
}

function absolute(src: string, base: string): string {
  try {
    return new URL(src, base).href;
  } catch {
    return src;
  }
}

/** Whether the banners say the host runs Windows (entries such as CVE-2024-4577 only apply there). */
export function looksLikeWindows(disclosures: Disclosure[]): boolean {
  return disclosures.some(
    (d) =>
      d.location.startsWith('X-AspNet') ||
      d.values.some((v) => /\bwin(?:32|64|dows)\b|microsoft-iis/i.test(v)),
  );
}
