import { isIPv4, isIPv6 } from 'node:net';

/** How an SPF record ends for mail that matched none of its mechanisms (RFC 7208 §4.7, §5.1). */
export type SpfDefault = 'fail' | 'softfail' | 'neutral' | 'pass' | 'redirect';

/** One SPF record, read the way a receiver reads it. */
export interface SpfAnalysis {
  record: string;
  /** The `all` qualifier, `redirect` when a redirect= modifier decides, `neutral` when neither is there. */
  default: SpfDefault;
  /** The `all` term as written (`+all`, `?all`, …), or null. */
  allTerm: string | null;
  /** Terms a receiver rejects with PermError (unknown mechanism, bad address, duplicate modifier). */
  errors: string[];
}

const SPF_VERSION = /^v=spf1(?:\s|$)/i;
const DMARC_VERSION = /^v\s*=\s*DMARC1\s*(?:;|$)/i;

/** The TXT records that are SPF records (`v=spf1` followed by a space or the end). */
export function spfRecords(txt: readonly string[]): string[] {
  return txt.map((t) => t.trim()).filter((t) => SPF_VERSION.test(t));
}

const MECHANISMS = new Set(['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists']);

/** Reads one SPF record's terms: its default result and the syntax errors that void it. */
export function analyzeSpf(record: string): SpfAnalysis {
  const terms = record.trim().split(/\s+/).slice(1);
  const errors: string[] = [];
  let allTerm: string | null = null;
  let redirect = false;
  const modifiers = new Set<string>();
  for (const term of terms) {
    const modifier = /^([a-z][a-z0-9_.-]*)=(.*)$/i.exec(term);
    if (modifier) {
      const name = modifier[1]!.toLowerCase();
      if ((name === 'redirect' || name === 'exp') && modifiers.has(name)) errors.push(`duplicate ${name}= modifier`);
      if (name === 'redirect' && modifier[2] === '') errors.push('redirect= without a domain');
      modifiers.add(name);
      if (name === 'redirect') redirect = true;
      continue;
    }
    const m = /^([+\-~?]?)([a-z0-9]+)(?::(.*?))?(\/\/?\d+(?:\/\/\d+)?)?$/i.exec(term);
    const name = m?.[2]?.toLowerCase();
    if (!m || !name || !MECHANISMS.has(name)) {
      errors.push(`unknown term "${term}"`);
      continue;
    }
    const value = m[3];
    const cidr = m[4];
    const problem = mechanismProblem(name, value, cidr);
    if (problem) errors.push(`${term}: ${problem}`);
    if (name === 'all' && allTerm === null) allTerm = term;
  }
  // An `all` mechanism matches everything, so a redirect= after it never applies (RFC 7208 §6.1).
  let dflt: SpfDefault;
  if (allTerm !== null) dflt = QUALIFIER_RESULT[allTerm[0]!] ?? 'pass';
  else dflt = redirect ? 'redirect' : 'neutral';
  return { record, default: dflt, allTerm, errors };
}

const QUALIFIER_RESULT: Record<string, SpfDefault> = { '+': 'pass', '-': 'fail', '~': 'softfail', '?': 'neutral' };

function mechanismProblem(name: string, value: string | undefined, cidr: string | undefined): string | null {
  switch (name) {
    case 'all':
      return value !== undefined || cidr !== undefined ? 'all takes no argument' : null;
    case 'include':
    case 'exists':
      return !value ? `${name} needs a domain` : cidr !== undefined ? `${name} takes no prefix length` : null;
    case 'ip4': {
      const bits = cidr ? Number(cidr.slice(1)) : 32;
      if (!value || !isIPv4(value)) return 'not an IPv4 address';
      return cidr?.startsWith('//') || bits > 32 ? 'bad IPv4 prefix length' : null;
    }
    case 'ip6': {
      const bits = cidr ? Number(cidr.slice(1)) : 128;
      if (!value || !isIPv6(value)) return 'not an IPv6 address';
      return cidr?.startsWith('//') || bits > 128 ? 'bad IPv6 prefix length' : null;
    }
    default:
      // a, mx, ptr: an optional domain; a/mx may carry a dual prefix length.
      return value === '' ? `${name}: empty domain` : null;
  }
}

/** One DMARC record's policy as a receiver applies it to the name that was looked up. */
export interface DmarcAnalysis {
  record: string;
  /** The policy for mail from the name: p=, or sp= when the record was found at the parent domain. */
  policy: 'none' | 'quarantine' | 'reject' | null;
  /** Which tag gave the policy. */
  policyTag: 'p' | 'sp';
  pct: number;
  errors: string[];
  tags: Record<string, string>;
}

/** The TXT records that are DMARC records (start with `v=DMARC1`). */
export function dmarcRecords(txt: readonly string[]): string[] {
  return txt.map((t) => t.trim()).filter((t) => DMARC_VERSION.test(t));
}

const POLICIES = new Set(['none', 'quarantine', 'reject']);

/** Reads a DMARC record (RFC 7489 §6.3); `fromParent` means it governs a subdomain (sp= applies). */
export function analyzeDmarc(record: string, fromParent: boolean): DmarcAnalysis {
  const tags: Record<string, string> = {};
  for (const part of record.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    if (key && !(key in tags)) tags[key] = part.slice(eq + 1).trim();
  }
  const errors: string[] = [];
  const p = tags.p?.toLowerCase();
  const sp = tags.sp?.toLowerCase();
  if (p === undefined) errors.push('no p= tag');
  else if (!POLICIES.has(p)) errors.push(`p=${tags.p} is not none, quarantine or reject`);
  if (sp !== undefined && !POLICIES.has(sp)) errors.push(`sp=${tags.sp} is not none, quarantine or reject`);
  let pct = 100;
  if (tags.pct !== undefined) {
    if (/^\d{1,3}$/.test(tags.pct) && Number(tags.pct) <= 100) pct = Number(tags.pct);
    else errors.push(`pct=${tags.pct} is not a number from 0 to 100`);
  }
  const useSp = fromParent && sp !== undefined && POLICIES.has(sp);
  const chosen = useSp ? sp : p;
  const policy = chosen !== undefined && POLICIES.has(chosen) ? (chosen as DmarcAnalysis['policy']) : null;
  return { record, policy, policyTag: useSp ? 'sp' : 'p', pct, errors, tags };
}

/**
 * The names whose `_dmarc` record may govern mail from `name`, closest first: the name itself,
 * then each parent down to two labels (the DMARCbis "tree walk"). For www.example.com that is the
 * name and example.com, exactly the organisational-domain fallback of RFC 7489; walking every
 * parent instead of cutting to the last two labels keeps names under suffixes like co.uk right
 * without shipping the Public Suffix List. At most `max` names (the closest ones and the shortest).
 */
export function dmarcLookupNames(name: string, max = 5): string[] {
  const labels = name.toLowerCase().replace(/\.$/, '').split('.');
  const names: string[] = [];
  for (let i = 0; i <= labels.length - 2; i++) names.push(labels.slice(i).join('.'));
  return names.length <= max ? names : [...names.slice(0, max - 1), names[names.length - 1]!];
}
