/** Evidence printed per finding: beyond this many characters it is cut, with a note saying so. */
export const EVIDENCE_LIMIT = 2048;
const REDACTED = '[redacted]';

/** Keys whose values are credentials whatever they look like. */
const SECRET_KEY = /(pass(word|wd)?|secret|token|api[-_]?key|auth(orization)?|cookie|session|private[-_]?key|credential|bearer|signature|sig)$/i;
/**
 * Values that look like credentials wherever they appear: API keys of ours and of the common
 * providers, JWTs, PEM private keys, Basic/Bearer headers and `key=value` secrets in query strings.
 */
const SECRET_VALUE: RegExp[] = [
  /\b(fx[a-z]?_)[A-Za-z0-9_-]{20,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\b(AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g,
  /\bsk_(live|test)_[A-Za-z0-9]{16,}\b/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /([?&](?:api[-_]?key|token|access_token|secret|password|sig|signature)=)[^&\s"']+/gi,
];

/** A string with every credential-looking part replaced by `[redacted]`. */
export function redactText(text: string): string {
  let out = text;
  for (const re of SECRET_VALUE) {
    out = out.replace(re, (match: string, ...groups: unknown[]) => {
      const keep = typeof groups[0] === 'string' && match.startsWith(groups[0]) && /[=_]$/.test(groups[0]) ? groups[0] : '';
      return `${keep}${REDACTED}`;
    });
  }
  return out;
}

function redactValue(value: unknown, key: string | null, depth: number): unknown {
  if (depth > 12) return '[nested too deep]';
  if (key !== null && SECRET_KEY.test(key) && value !== null && typeof value !== 'object' && typeof value !== 'boolean') return REDACTED;
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, null, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactValue(v, k, depth + 1)]));
  }
  return value;
}

/** Evidence as the technical report prints it: redacted, pretty-printed, cut at EVIDENCE_LIMIT. */
export interface PrintedEvidence {
  text: string;
  truncated: boolean;
  /** Characters left out when truncated. */
  omitted: number;
}

/**
 * Pretty-printed JSON of the evidence with secrets redacted (keys named like credentials, values
 * shaped like them). The text is still hostile (a target wrote it): the template escapes it.
 */
export function printEvidence(evidence: Record<string, unknown>, limit = EVIDENCE_LIMIT): PrintedEvidence {
  const full = JSON.stringify(redactValue(evidence, null, 0), null, 2) ?? '{}';
  if (full.length <= limit) return { text: full, truncated: false, omitted: 0 };
  // Cut at a line end where one is near, so the last line printed is whole.
  const cut = full.lastIndexOf('\n', limit);
  const at = cut > limit * 0.75 ? cut : limit;
  return { text: full.slice(0, at), truncated: true, omitted: full.length - at };
}
