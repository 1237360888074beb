import type { FindingSeverity } from '../../finding-draft.js';

/**
 * What kinds of secret we look for and how bad each is when a visitor can read it. Severities:
 * live keys that act on money, code or data on their own are CRITICAL; an AWS key id without its
 * secret key is MEDIUM (it cannot sign requests, but it names the account and shows that a
 * credential was shipped to browsers, and the secret is often nearby in the same code's history);
 * a Google API key is LOW because browser keys are meant to be public and are only a problem when
 * not restricted by referrer and API, which cannot be seen from outside.
 */
export const SECRET_KINDS = {
  'aws-access-key': { label: 'AWS access key id with its secret access key', severity: 'CRITICAL' },
  'aws-access-key-id': { label: 'AWS access key id', severity: 'MEDIUM' },
  'stripe-secret-key': { label: 'Stripe live secret key', severity: 'CRITICAL' },
  'stripe-restricted-key': { label: 'Stripe live restricted key', severity: 'HIGH' },
  'stripe-test-key': { label: 'Stripe test-mode key', severity: 'LOW' },
  'github-token': { label: 'GitHub token', severity: 'CRITICAL' },
  'github-app-token': { label: 'GitHub App installation token (expires within an hour)', severity: 'HIGH' },
  'slack-token': { label: 'Slack API token', severity: 'HIGH' },
  'slack-webhook': { label: 'Slack incoming webhook URL', severity: 'MEDIUM' },
  'google-api-key': { label: 'Google API key', severity: 'LOW' },
  'private-key': { label: 'Private key (PEM)', severity: 'CRITICAL' },
  'encrypted-private-key': { label: 'Passphrase-protected private key (PEM)', severity: 'HIGH' },
  'supabase-service-role-key': { label: 'Supabase service_role JWT (bypasses row-level security)', severity: 'CRITICAL' },
} as const satisfies Record<string, { label: string; severity: FindingSeverity }>;

export type SecretKind = keyof typeof SECRET_KINDS;

/** One secret found in a text: where it starts, what it is, and only a redacted form for reports. */
export interface SecretMatch {
  kind: SecretKind;
  /** Offset of the match in the text. */
  index: number;
  /** The full value: for de-duplication only, never reported. */
  value: string;
  redacted: string;
  /** Non-secret facts about the match (a JWT's role and issuer, a PEM's key type, the paired key's redacted form). */
  details: Record<string, string>;
}

/** First four and last four characters (two and two for short values): enough to recognise, not to use. */
export function redact(value: string): string {
  if (value.length >= 16) return `${value.slice(0, 4)}…${value.slice(-4)}`;
  if (value.length >= 8) return `${value.slice(0, 2)}…${value.slice(-2)}`;
  return '…';
}

// Documentation keys that are public by design and appear in copied sample code (Stripe's written
// in parts so repository secret scanners do not flag this list itself).
const PUBLIC_SAMPLES = new Set([['sk', 'test', '4eC39HqLyjWDarjtT1zdp7dc'].join('_'), 'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY']);

/**
 * Placeholders and demo values: words like EXAMPLE or YOUR_KEY, xxxxx, long runs of one character,
 * too few distinct characters. The words are long enough that a random key contains one by chance
 * far less often than once in ten thousand.
 */
export function looksLikePlaceholder(body: string): boolean {
  if (/example|sample|dummy|placeholder|redacted|changeme|your[_-]?(?:key|token|secret|api)|fake[_-]|1234567|abcdefg/i.test(body)) return true;
  // xxxxx in one case only: a random mixed-case key holds an "xXxXx"-like run far more often.
  if (/x{5}|X{5}/.test(body)) return true;
  if (/(.)\1{5,}/.test(body)) return true;
  return new Set(body).size < Math.min(10, Math.ceil(body.length / 3));
}

type Accepted = Omit<SecretMatch, 'index' | 'redacted'>;

interface Detector {
  re: RegExp;
  /** The match's value, kind and details, or null when it is not a real secret. */
  accept(m: RegExpExecArray, text: string): Accepted | null;
}

const AWS_ID = /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z2-7]{16}(?![A-Za-z0-9])/g;
/** A run of secret-key characters; only runs of exactly 40 whose neighbours cannot continue a token count. */
const AWS_SECRET_RUN = /[A-Za-z0-9/+]{40,}/g;
// Before the key '=' is an assignment (KEY=value); after it, base64 padding that makes it longer.
const CONTINUES_BEFORE = /[A-Za-z0-9/+_.-]/;
const CONTINUES_AFTER = /[A-Za-z0-9/+=_.-]/;
/** How far from a key id its secret access key may be (an object literal or a few config lines). */
const AWS_PAIR_WINDOW = 400;

function awsSecretNear(text: string, index: number, idLength: number): string | null {
  const from = Math.max(0, index - AWS_PAIR_WINDOW);
  const window = text.slice(from, index + idLength + AWS_PAIR_WINDOW);
  let best: { value: string; distance: number } | null = null;
  for (const m of window.matchAll(AWS_SECRET_RUN)) {
    const value = m[0];
    const start = from + m.index;
    // Neighbours are read in the whole text, so a slice of a longer base64 or JWT string never counts.
    if (value.length !== 40 || CONTINUES_BEFORE.test(text[start - 1] ?? '') || CONTINUES_AFTER.test(text[start + 40] ?? '')) continue;
    // Real secret keys mix upper and lower case; 40 hex characters are a SHA-1, not a key.
    if (!/[a-z]/.test(value) || !/[A-Z]/.test(value) || looksLikePlaceholder(value) || PUBLIC_SAMPLES.has(value)) continue;
    const distance = Math.abs(start - index);
    if (!best || distance < best.distance) best = { value, distance };
  }
  return best?.value ?? null;
}

function base64UrlJson(part: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const DETECTORS: Detector[] = [
  {
    re: AWS_ID,
    accept(m, text): Accepted | null {
      const id = m[0];
      if (PUBLIC_SAMPLES.has(id) || looksLikePlaceholder(id.slice(4))) return null;
      const secret = awsSecretNear(text, m.index, id.length);
      // The pair is one credential: keyed on both so a rotated secret is a new finding.
      return secret
        ? { kind: 'aws-access-key', value: `${id}:${secret}`, details: { accessKeyId: redact(id), secretAccessKey: redact(secret) } }
        : { kind: 'aws-access-key-id', value: id, details: { accessKeyId: redact(id) } };
    },
  },
  {
    re: /(?<![A-Za-z0-9_])(sk|rk)_(live|test)_[0-9A-Za-z]{20,247}(?![0-9A-Za-z])/g,
    accept(m) {
      const value = m[0];
      if (PUBLIC_SAMPLES.has(value) || looksLikePlaceholder(value.slice(8))) return null;
      const kind: SecretKind = m[2] === 'test' ? 'stripe-test-key' : m[1] === 'rk' ? 'stripe-restricted-key' : 'stripe-secret-key';
      return { kind, value, details: {} };
    },
  },
  {
    re: /(?<![A-Za-z0-9_])(?:gh([pousr])_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9_])/g,
    accept(m) {
      const value = m[0];
      if (looksLikePlaceholder(value.slice(value.startsWith('github_pat_') ? 11 : 4))) return null;
      return { kind: m[1] === 's' ? 'github-app-token' : 'github-token', value, details: { prefix: value.slice(0, value.indexOf('_') + 1) } };
    },
  },
  {
    re: /(?<![A-Za-z0-9-])xox[abprs]-(?:\d+-){1,4}[0-9A-Za-z]{8,64}(?![A-Za-z0-9-])/g,
    accept(m) {
      const value = m[0];
      const secretPart = value.slice(value.lastIndexOf('-') + 1);
      if (looksLikePlaceholder(secretPart) || value.length < 30) return null;
      return { kind: 'slack-token', value, details: { prefix: value.slice(0, 5) } };
    },
  },
  {
    re: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,12}\/B[A-Z0-9]{6,12}\/[A-Za-z0-9]{20,32}(?![A-Za-z0-9])/g,
    accept(m) {
      const value = m[0];
      if (looksLikePlaceholder(value.slice(value.lastIndexOf('/') + 1))) return null;
      return { kind: 'slack-webhook', value, details: {} };
    },
  },
  {
    re: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g,
    accept(m) {
      return looksLikePlaceholder(m[0].slice(4)) ? null : { kind: 'google-api-key', value: m[0], details: {} };
    },
  },
  {
    re: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])/g,
    accept(m) {
      const [header, payload] = m[0].split('.');
      const claims = base64UrlJson(payload!);
      // Only service_role keys are secret: anon keys are meant to ship to browsers, and the
      // supabase-demo issuer is the public key of local development setups.
      if (!base64UrlJson(header!)?.['alg'] || claims?.['role'] !== 'service_role' || claims['iss'] === 'supabase-demo') return null;
      const details: Record<string, string> = { role: 'service_role' };
      for (const claim of ['iss', 'ref']) if (typeof claims[claim] === 'string') details[claim] = String(claims[claim]).slice(0, 100);
      return { kind: 'supabase-service-role-key', value: m[0], details };
    },
  },
];

/** How far a PEM's END line may be from its BEGIN line (an 8192-bit RSA key is about 6.5 KB). */
const PEM_MAX_LENGTH = 12_000;
const PEM_BEGIN = /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----/g;

/**
 * PEM private keys. Each BEGIN is paired with the next END of its type through one forward pass
 * per type (not a lazy regex), so a text of many BEGIN lines without END cannot make it quadratic.
 */
function findPrivateKeys(text: string): (Accepted & { index: number })[] {
  const out: (Accepted & { index: number })[] = [];
  const nextEnd = new Map<string, number>();
  for (const m of text.matchAll(PEM_BEGIN)) {
    const keyType = m[1]!;
    const marker = `-----END ${keyType}-----`;
    const start = m.index + m[0].length;
    let end = nextEnd.get(keyType);
    if (end === undefined || (end !== -1 && end < start)) nextEnd.set(keyType, (end = text.indexOf(marker, start)));
    if (end === -1 || end - start > PEM_MAX_LENGTH) continue;
    // Keys inside JS strings carry \n escapes, quotes and "…" + "…" joints; armour headers carry colons.
    const lines = text.slice(start, end).replace(/\\r|\\n/g, '\n').split('\n');
    const encrypted = keyType.startsWith('ENCRYPTED') || lines.some((l) => /Proc-Type:\s*4,ENCRYPTED/i.test(l));
    const body = lines
      .filter((l) => !l.includes(':'))
      .join('\n')
      .replace(/["'`]\s*\+\s*["'`]/g, '')
      .replace(/[\s"'`,;]/g, '');
    if (!/^[A-Za-z0-9+/=]{64,}$/.test(body) || looksLikePlaceholder(body)) continue;
    out.push({ kind: encrypted ? 'encrypted-private-key' : 'private-key', value: body, details: { keyType }, index: m.index });
  }
  return out;
}

/** Every secret in a text, in order of position; placeholders, samples and public keys are left out. */
export function findSecrets(text: string): SecretMatch[] {
  const out: SecretMatch[] = findPrivateKeys(text).map((k) => ({ ...k, redacted: redact(k.value) }));
  for (const detector of DETECTORS) {
    for (const m of text.matchAll(detector.re)) {
      const accepted = detector.accept(m, text);
      if (!accepted) continue;
      const shown = accepted.kind === 'aws-access-key' ? accepted.value.slice(0, accepted.value.indexOf(':')) : accepted.value;
      out.push({ ...accepted, index: m.index, redacted: redact(shown) });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}
