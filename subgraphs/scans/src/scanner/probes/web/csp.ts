/**
 * Content-Security-Policy reading, as browsers do it (CSP Level 3): what an enforced policy lets
 * scripts and plugins do, and whether it stops other sites from framing the page.
 */

/** One policy: directive name (lower-case) → its source expressions, in order; first directive wins. */
export interface CspPolicy {
  raw: string;
  directives: Map<string, string[]>;
}

/** A way a policy fails to stop script injection; `key` is stable, `text` is for people. */
export interface CspWeakness {
  key: string;
  text: string;
}

/** Splits header values into policies (a comma separates policies in one header) and directives. */
export function parseCsp(values: readonly string[]): CspPolicy[] {
  const policies: CspPolicy[] = [];
  for (const value of values) {
    for (const raw of value.split(',')) {
      const directives = new Map<string, string[]>();
      for (const part of raw.split(';')) {
        const [name, ...sources] = part.trim().split(/\s+/);
        if (!name) continue;
        const key = name.toLowerCase();
        // A repeated directive is ignored by browsers: the first one is the policy.
        if (!directives.has(key)) directives.set(key, sources);
      }
      if (directives.size > 0) policies.push({ raw: raw.trim(), directives });
    }
  }
  return policies;
}

/** Policies of `<meta http-equiv="Content-Security-Policy" content="...">` tags of an HTML page. */
export function metaCspValues(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<meta\b[^>]*>/gi)) {
    const tag = m[0];
    const equiv = attribute(tag, 'http-equiv');
    if (equiv?.toLowerCase() !== 'content-security-policy') continue;
    const content = attribute(tag, 'content');
    if (content) out.push(decodeHtml(content));
  }
  return out;
}

function attribute(tag: string, name: string): string | undefined {
  const re = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i');
  const m = re.exec(tag);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

function decodeHtml(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'").replace(/&amp;/g, '&');
}

const lower = (sources: readonly string[]): string[] => sources.map((s) => s.toLowerCase());

/** Weaknesses of one policy against script injection and plugin content. */
export function policyWeaknesses(policy: CspPolicy): CspWeakness[] {
  const out: CspWeakness[] = [];
  const scriptDirective = policy.directives.has('script-src') ? 'script-src' : policy.directives.has('default-src') ? 'default-src' : null;
  if (scriptDirective === null) {
    out.push({ key: 'scripts-unrestricted', text: 'neither script-src nor default-src is set, so scripts from any origin and inline scripts run' });
  } else {
    const sources = lower(policy.directives.get(scriptDirective)!);
    const hasNonceOrHash = sources.some((s) => /^'(nonce-|sha256-|sha384-|sha512-)/.test(s));
    const strictDynamic = sources.includes("'strict-dynamic'");
    if (sources.includes("'unsafe-inline'") && !hasNonceOrHash && !strictDynamic) {
      out.push({ key: 'unsafe-inline', text: `${scriptDirective} allows 'unsafe-inline' without a nonce, hash or 'strict-dynamic', so injected inline scripts run` });
    }
    if (sources.includes("'unsafe-eval'")) {
      out.push({ key: 'unsafe-eval', text: `${scriptDirective} allows 'unsafe-eval', so strings can be run as code (eval, new Function)` });
    }
    // With 'strict-dynamic' browsers ignore host and scheme sources, so they weaken nothing.
    if (!strictDynamic) {
      if (sources.includes('*')) out.push({ key: 'wildcard', text: `${scriptDirective} allows * (scripts from any host)` });
      for (const scheme of ['http:', 'https:', 'data:']) {
        if (sources.includes(scheme)) {
          out.push({ key: `scheme-${scheme.slice(0, -1)}`, text: `${scriptDirective} allows the scheme source ${scheme} (scripts from any ${scheme} URL)` });
        }
      }
    }
  }
  const objectDirective = policy.directives.has('object-src') ? 'object-src' : policy.directives.has('default-src') ? 'default-src' : null;
  if (objectDirective === null) {
    out.push({ key: 'objects-unrestricted', text: "neither object-src nor default-src is set, so plugin content (<object>, <embed>) from any origin loads; set object-src 'none'" });
  } else if (lower(policy.directives.get(objectDirective)!).includes('*')) {
    out.push({ key: 'objects-unrestricted', text: `${objectDirective} allows * for plugin content (<object>, <embed>); set object-src 'none'` });
  }
  return out;
}

/**
 * Weaknesses of a set of enforced policies. A resource must satisfy every policy, so a weakness
 * counts only if every policy has it (one strict policy covers a loose one).
 */
export function cspWeaknesses(policies: readonly CspPolicy[]): CspWeakness[] {
  if (policies.length === 0) return [];
  const [first, ...rest] = policies.map(policyWeaknesses);
  return first!.filter((w) => rest.every((other) => other.some((o) => o.key === w.key)));
}

/** How the page may be framed according to its CSP headers; null if no policy says. */
export function frameAncestors(policies: readonly CspPolicy[]): { restrictive: boolean; value: string } | null {
  const directives = policies.filter((p) => p.directives.has('frame-ancestors'));
  if (directives.length === 0) return null;
  const permissive = (sources: string[]): boolean => lower(sources).some((s) => s === '*' || s === 'https:' || s === 'http:');
  // Every policy applies, so one that limits framing is enough.
  const strict = directives.find((p) => !permissive(p.directives.get('frame-ancestors')!));
  const chosen = strict ?? directives[0]!;
  return { restrictive: strict !== undefined, value: ['frame-ancestors', ...chosen.directives.get('frame-ancestors')!].join(' ') };
}
