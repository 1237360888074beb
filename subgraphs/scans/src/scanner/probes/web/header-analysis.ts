import { cspWeaknesses, frameAncestors, metaCspValues, parseCsp } from './csp.js';
import { headerValues, isHttpsUrl, isIpHost, type ResponseHeaders } from './web-http.js';

/** The parts of a response the header checks read. */
export interface HeaderAnalysisInput {
  url: string;
  status: number;
  headers: ResponseHeaders;
  /** Whether the response is a document a browser renders (CSP, framing and permissions only matter there). */
  document: boolean;
  /** The page's HTML, for <meta> policies; '' when not HTML. */
  html: string;
}

/** One header problem: the check, a sentence about this response, and evidence beyond the headers. */
export interface HeaderIssue {
  checkId: string;
  description: string;
  details?: Record<string, unknown>;
}

/** HSTS max-age below this (six months) is reported as weak, as Mozilla's Observatory does. */
export const HSTS_MIN_MAX_AGE = 15_768_000;

const REFERRER_POLICIES = new Set([
  'no-referrer',
  'no-referrer-when-downgrade',
  'same-origin',
  'origin',
  'strict-origin',
  'origin-when-cross-origin',
  'strict-origin-when-cross-origin',
  'unsafe-url',
]);
const LEAKY_REFERRER_POLICIES = new Set(['unsafe-url', 'no-referrer-when-downgrade']);

/** Every missing or ineffective browser security header of one response, in catalogue order. */
export function analyzeHeaders(res: HeaderAnalysisInput): HeaderIssue[] {
  const issues: HeaderIssue[] = [];
  const values = (name: string): string[] => headerValues(res.headers, name);
  // The first comma-separated value, as browsers read X-Content-Type-Options and X-Frame-Options.
  const firstToken = (name: string): string | undefined => values(name).join(',').split(',')[0]!.trim() || undefined;
  const add = (checkId: string, description: string, details?: Record<string, unknown>): void => {
    issues.push({ checkId, description, ...(details ? { details } : {}) });
  };

  // Browsers ignore HSTS from an IP address (RFC 6797 §8.1): asking for it there would fix nothing.
  if (isHttpsUrl(res.url) && !isIpHost(res.url)) {
    // Browsers honour only the first Strict-Transport-Security header.
    const hsts = values('strict-transport-security')[0];
    const maxAgeText = /(?:^|;)\s*max-age\s*=\s*"?(\d+)"?\s*(?:;|$)/i.exec(hsts ?? '')?.[1];
    const maxAge = maxAgeText === undefined ? undefined : Number(maxAgeText);
    if (hsts === undefined) {
      add('headers.hsts-missing', `${res.url} does not send Strict-Transport-Security, so browsers may still reach it over unencrypted HTTP and a network attacker can strip TLS.`);
    } else if (maxAge === undefined || maxAge === 0) {
      add('headers.hsts-missing', `${res.url} sends Strict-Transport-Security "${hsts}" without a positive max-age, so browsers do not enforce HTTPS for the site.`);
    } else if (maxAge < HSTS_MIN_MAX_AGE) {
      add('headers.hsts-weak', `${res.url} sends Strict-Transport-Security with max-age=${maxAge} (${duration(maxAge)}), less than six months, so the protection lapses for users who visit less often.`, { maxAge });
    }
  }

  const headerPolicies = parseCsp(values('content-security-policy'));
  if (res.document) {
    // A <meta> policy is enforced too (except frame-ancestors), so it counts against injection.
    const metaPolicies = parseCsp(metaCspValues(res.html));
    const enforced = [...headerPolicies, ...metaPolicies];
    if (enforced.length === 0) {
      const reportOnly = values('content-security-policy-report-only').length > 0;
      add(
        'headers.csp-missing',
        `${res.url} does not send Content-Security-Policy${reportOnly ? ' (only Content-Security-Policy-Report-Only, which reports but does not block)' : ''}, so the browser has no second line of defence against cross-site scripting and injected content.`,
      );
    } else {
      const weaknesses = cspWeaknesses(enforced);
      if (weaknesses.length > 0) {
        add('headers.csp-weak', `The Content-Security-Policy of ${res.url} does not stop injected scripts: ${weaknesses.map((w) => w.text).join('; ')}.`, {
          policies: enforced.map((p) => p.raw),
          weaknesses: weaknesses.map((w) => w.text),
        });
      }
    }
  }

  const nosniff = firstToken('x-content-type-options');
  if (nosniff === undefined) {
    add('headers.x-content-type-options-missing', `${res.url} does not send X-Content-Type-Options, so browsers may MIME-sniff responses and run content as a type the server did not intend.`);
  } else if (nosniff.toLowerCase() !== 'nosniff') {
    add('headers.x-content-type-options-missing', `${res.url} sends X-Content-Type-Options "${nosniff}" instead of "nosniff", so browsers ignore it and may MIME-sniff responses.`);
  }

  if (res.document) {
    const ancestors = frameAncestors(headerPolicies);
    const frameOptions = firstToken('x-frame-options');
    const frameOptionsOk = frameOptions !== undefined && ['DENY', 'SAMEORIGIN'].includes(frameOptions.toUpperCase());
    if (ancestors && !ancestors.restrictive) {
      // Browsers that read frame-ancestors ignore X-Frame-Options, so a permissive one wins.
      add('headers.clickjacking-protection-missing', `${res.url} sends "${ancestors.value}", which lets any site frame it (browsers then ignore X-Frame-Options), so other sites can trick users into clicking (clickjacking).`);
    } else if (!ancestors && !frameOptionsOk) {
      const xfo = frameOptions === undefined ? 'no X-Frame-Options' : `X-Frame-Options "${frameOptions}", which browsers do not honour,`;
      add('headers.clickjacking-protection-missing', `${res.url} sends ${xfo} and no Content-Security-Policy frame-ancestors directive, so other sites can frame it and trick users into clicking (clickjacking).`);
    }
  }

  const referrer = referrerPolicy(values('referrer-policy'), res.html);
  if (referrer.effective === undefined) {
    const why = referrer.declared.length > 0 ? `sends Referrer-Policy "${referrer.declared.join(', ')}", which browsers do not recognise` : 'does not send Referrer-Policy';
    add('headers.referrer-policy-missing', `${res.url} ${why}, so its URLs (which may contain identifiers or tokens) can leak to other sites through the Referer header, depending on browser defaults.`);
  } else if (LEAKY_REFERRER_POLICIES.has(referrer.effective)) {
    add('headers.referrer-policy-weak', `${res.url} uses Referrer-Policy "${referrer.effective}", which sends the full URL, path and query included, to other sites.`, { referrerPolicy: referrer.effective });
  }

  if (res.document && values('permissions-policy').length === 0 && values('feature-policy').length === 0) {
    add('headers.permissions-policy-missing', `${res.url} does not send Permissions-Policy, so the page and any frame it embeds may ask for powerful features (camera, microphone, geolocation, payment) it never uses.`);
  }
  return issues;
}

/** A max-age in words: "10 minutes", "30 days". */
function duration(seconds: number): string {
  const [amount, unit] =
    seconds >= 86_400 ? [Math.round(seconds / 86_400), 'day'] : seconds >= 3_600 ? [Math.round(seconds / 3_600), 'hour'] : [Math.max(1, Math.round(seconds / 60)), 'minute'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}

/**
 * The policy a browser applies: the last recognised token of the Referrer-Policy header values
 * or, without one, of a <meta name="referrer"> tag.
 */
function referrerPolicy(headerValuesList: string[], html: string): { effective?: string; declared: string[] } {
  const lastKnown = (tokens: string[]): string | undefined => tokens.map((t) => t.trim().toLowerCase()).filter((t) => REFERRER_POLICIES.has(t)).at(-1);
  const declared = headerValuesList.flatMap((v) => v.split(',')).map((t) => t.trim()).filter(Boolean);
  const fromHeader = lastKnown(declared);
  if (fromHeader) return { effective: fromHeader, declared };
  for (const m of html.matchAll(/<meta\b[^>]*\bname\s*=\s*["']?referrer["']?[^>]*>/gi)) {
    const content = /\bcontent\s*=\s*["']?([^"'>]+)/i.exec(m[0])?.[1];
    const fromMeta = content ? lastKnown(content.split(',')) : undefined;
    if (fromMeta) return { effective: fromMeta, declared };
  }
  return { declared };
}
