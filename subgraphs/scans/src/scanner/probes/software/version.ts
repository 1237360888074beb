/**
 * Version numbers as web software discloses them, and the range arithmetic the fingerprint table
 * needs. Handles plain dotted versions (2.4.49), OpenSSL letter releases (1.0.1f, 0.9.8za),
 * pre-releases (5.8.1-beta, 1.0.2-beta1, 5.0.0-alpha.1, 8.1.0-dev) and ignores build or
 * distribution suffixes (7.4.3-4ubuntu2.19, 1.0.2k-fips) when comparing.
 */

/** A parsed version. `parts` are the numbers as written (no padding). */
export interface Version {
  raw: string;
  parts: number[];
  /** OpenSSL-style letter release: '' for none, then a..z, za..zz. */
  letter: string;
  /** Pre-release tag; null for a release. */
  pre: { rank: number; num: number } | null;
  /** Whatever followed the version proper (distribution revision, `fips`, build metadata). */
  build: string;
}

/** An affected range: introduced (inclusive) up to fixed (exclusive), as in OSV. */
export interface VersionRange {
  introduced: string;
  fixed: string;
}

// dev < alpha < beta < pre/preview < rc < release, which is how every project we track orders them.
const PRE_RANKS: Record<string, number> = { dev: 0, alpha: 1, beta: 2, pre: 3, preview: 3, rc: 4 };
const PRE_RE = /^[-._~]?(dev|alpha|beta|preview|pre|rc)\.?(\d*)/i;

/** Parses a disclosed version, or null if it does not start like one (`1`, `2.4`, `1.0.1f`, ...). */
export function parseVersion(input: string): Version | null {
  const raw = input.trim();
  const numeric = /^v?(\d{1,9}(?:\.\d{1,9})*)/i.exec(raw);
  if (!numeric) return null;
  const parts = numeric[1]!.split('.').map(Number);
  let rest = raw.slice(numeric[0].length);
  let letter = '';
  let pre: Version['pre'] = null;
  const preMatch = PRE_RE.exec(rest);
  if (preMatch) {
    pre = { rank: PRE_RANKS[preMatch[1]!.toLowerCase()]!, num: preMatch[2] ? Number(preMatch[2]) : 0 };
    rest = rest.slice(preMatch[0].length);
  } else {
    // A one- or two-letter tail glued to the number is an OpenSSL-style letter release.
    const letterMatch = /^([a-z]{1,2})(?![a-z])/i.exec(rest);
    if (letterMatch) {
      letter = letterMatch[1]!.toLowerCase();
      rest = rest.slice(letterMatch[0].length);
      const afterLetter = PRE_RE.exec(rest);
      if (afterLetter) {
        pre = { rank: PRE_RANKS[afterLetter[1]!.toLowerCase()]!, num: afterLetter[2] ? Number(afterLetter[2]) : 0 };
        rest = rest.slice(afterLetter[0].length);
      }
    }
  }
  // Anything else must be separated (7.4.3-4ubuntu2, 1.0.2k-fips, 2.4.6+deb); glued letters are not a version.
  if (rest !== '' && !/^[-+~_.\s(]/.test(rest)) return null;
  return { raw, parts, letter, pre, build: rest.replace(/^[-+~_.\s]+/, '') };
}

/** Parses or throws: for the fingerprint table, whose versions are data we control. */
export function mustParseVersion(input: string): Version {
  const v = parseVersion(input);
  if (!v) throw new Error(`"${input}" is not a version`);
  return v;
}

function compareLetters(a: string, b: string): number {
  // OpenSSL goes a..z then za..zz: a longer tail is always later.
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Negative, zero or positive as `a` is older than, the same as, or newer than `b`. */
export function compareVersions(a: Version, b: Version): number {
  const length = Math.max(a.parts.length, b.parts.length);
  for (let i = 0; i < length; i++) {
    const diff = (a.parts[i] ?? 0) - (b.parts[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  const letters = compareLetters(a.letter, b.letter);
  if (letters !== 0) return Math.sign(letters);
  if (a.pre === null || b.pre === null) return a.pre === b.pre ? 0 : a.pre === null ? 1 : -1;
  return Math.sign(a.pre.rank - b.pre.rank || a.pre.num - b.pre.num);
}

/** Compares two version strings; throws if either is not a version. */
export function compareVersionStrings(a: string, b: string): number {
  return compareVersions(mustParseVersion(a), mustParseVersion(b));
}

/**
 * True if the disclosed version certainly lies in the range. A version written with fewer parts
 * than the product uses (`Drupal 7` when releases are 7.x) stands for every release with that
 * prefix, so it matches only a range that contains all of them: "Drupal 7" is not reported as
 * vulnerable to a flaw fixed in 7.58, because 7.58 and later also call themselves "Drupal 7".
 */
export function versionInRange(version: Version, range: VersionRange, exactParts: number): boolean {
  const introduced = mustParseVersion(range.introduced);
  const fixed = mustParseVersion(range.fixed);
  const exact = version.parts.length >= exactParts || version.letter !== '' || version.pre !== null;
  if (exact) return compareVersions(version, introduced) >= 0 && compareVersions(version, fixed) < 0;
  const next = [...version.parts];
  next[next.length - 1]! += 1;
  const upper: Version = { raw: next.join('.'), parts: next, letter: '', pre: null, build: '' };
  return compareVersions(version, introduced) >= 0 && compareVersions(upper, fixed) <= 0;
}

/** A range as people read it: `>= 1.5.13, < 1.26.2`. */
export function describeRange(range: VersionRange): string {
  return range.introduced === '0' ? `< ${range.fixed}` : `>= ${range.introduced}, < ${range.fixed}`;
}
