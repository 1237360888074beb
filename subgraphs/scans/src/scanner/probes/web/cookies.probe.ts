import type { CheckDefinition, Probe, ProbeContext } from '../../check.js';
import { isSessionCookie, parseSetCookie, type SetCookie } from './set-cookie.js';
import { fetchOrFailure, headerValues, isFailure, isHttpsUrl, type ResponseHeaders } from './web-http.js';

const base = { category: 'cookies', mode: 'PASSIVE', profile: 'LIGHT', confidence: 'CONFIRMED' } as const;
const EVIDENCE = 'The URL that set the cookie and its Set-Cookie header with the value redacted';

export const COOKIE_MISSING_SECURE: CheckDefinition = {
  ...base,
  id: 'cookies.missing-secure',
  title: 'Cookie set without the Secure attribute',
  severity: 'MEDIUM',
  cweId: 'CWE-614',
  description: 'Checks that cookies set over HTTPS, and session-like cookies anywhere, carry Secure, so the browser never sends them over unencrypted HTTP.',
  evidence: EVIDENCE,
  remediation:
    'Add `Secure` to the cookie, e.g. `Set-Cookie: session=…; Path=/; Secure; HttpOnly; SameSite=Lax` (Express: `cookie: { secure: true }`; ' +
    'PHP: `session.cookie_secure=1`), and serve the whole site over HTTPS. Session cookies are Medium; others Low.',
};

export const COOKIE_MISSING_HTTPONLY: CheckDefinition = {
  ...base,
  id: 'cookies.missing-httponly',
  title: 'Session cookie readable by scripts (no HttpOnly)',
  severity: 'MEDIUM',
  cweId: 'CWE-1004',
  description: 'Checks that cookies whose names look like sessions or credentials (sess, sid, token, auth, jwt, login) carry HttpOnly, so an injected script cannot read them.',
  evidence: EVIDENCE,
  remediation: 'Add `HttpOnly` to session and credential cookies (Express: `cookie: { httpOnly: true }`; PHP: `session.cookie_httponly=1`); scripts never need to read them.',
};

export const COOKIE_MISSING_SAMESITE: CheckDefinition = {
  ...base,
  id: 'cookies.missing-samesite',
  title: 'Cookie without an effective SameSite attribute',
  severity: 'LOW',
  cweId: 'CWE-1275',
  description: 'Checks that each cookie sets SameSite to Lax or Strict (or None together with Secure), instead of leaving cross-site sending to browser defaults.',
  evidence: EVIDENCE,
  remediation: 'Set `SameSite=Lax` (or `Strict` for session cookies not needed on links from other sites); cookies that must be sent cross-site need `SameSite=None; Secure`.',
};

/** Redirect hops re-read (without following) for the cookies they set; the final page is already read. */
const MAX_REDIRECT_HOPS = 3;

/** Security attributes of every cookie the host's page (and its redirects) sets. */
export const cookiesProbe: Probe = {
  id: 'cookies',
  title: 'Cookie security attributes',
  checks: [COOKIE_MISSING_SECURE, COOKIE_MISSING_HTTPONLY, COOKIE_MISSING_SAMESITE],
  mode: 'PASSIVE',
  profile: 'LIGHT',
  async run(ctx: ProbeContext): Promise<void> {
    const page = await ctx.page();
    if (!page) return;
    const sources: { url: string; headers: ResponseHeaders }[] = [];
    // Hops carry no headers: a redirect's cookies (often the session, set at login) need the hop itself.
    for (const hop of page.response.hops.slice(0, -1).slice(0, MAX_REDIRECT_HOPS)) {
      const res = await fetchOrFailure(ctx, hop.url, { followRedirects: false, maxBodyBytes: 0 });
      if (!isFailure(res)) sources.push({ url: hop.url, headers: res.headers });
    }
    sources.push({ url: page.response.url, headers: page.response.headers });

    const reported = new Set<string>();
    for (const source of sources) {
      for (const line of headerValues(source.headers, 'set-cookie')) {
        const cookie = parseSetCookie(line);
        if (!cookie || cookie.deletion) continue;
        for (const issue of cookieIssues(cookie, source.url)) {
          const key = `${issue.checkId} ${cookie.name}`;
          if (reported.has(key)) continue;
          reported.add(key);
          ctx.report({
            checkId: issue.checkId,
            target: source.url,
            location: cookie.name,
            description: issue.description,
            evidence: { url: source.url, cookie: cookie.name, setCookie: cookie.redacted, sessionLike: isSessionCookie(cookie.name) },
            ...(issue.severity ? { severity: issue.severity } : {}),
          });
        }
      }
    }
  },
};

/** The problems of one cookie set by `url`. */
export function cookieIssues(cookie: SetCookie, url: string): { checkId: string; description: string; severity?: 'LOW' }[] {
  const out: { checkId: string; description: string; severity?: 'LOW' }[] = [];
  const session = isSessionCookie(cookie.name);
  const https = isHttpsUrl(url);
  if (!cookie.secure && (https || session)) {
    out.push({
      checkId: COOKIE_MISSING_SECURE.id,
      description: https
        ? `${url} sets the cookie "${cookie.name}" without Secure, so the browser also sends it over plain HTTP, where a network attacker can read it.`
        : `${url} sets the session-like cookie "${cookie.name}" over plain HTTP without Secure, so it travels unencrypted and a network attacker can steal the session.`,
      ...(session ? {} : { severity: 'LOW' as const }),
    });
  }
  if (session && !cookie.httpOnly) {
    out.push({
      checkId: COOKIE_MISSING_HTTPONLY.id,
      description: `${url} sets the session-like cookie "${cookie.name}" without HttpOnly, so any script on the page, including an injected one, can read and exfiltrate it.`,
    });
  }
  const sameSite = cookie.sameSite;
  if (sameSite === undefined || !['lax', 'strict', 'none'].includes(sameSite)) {
    const what = sameSite === undefined ? 'without SameSite' : `with SameSite="${sameSite}", which browsers do not recognise`;
    out.push({
      checkId: COOKIE_MISSING_SAMESITE.id,
      description: `${url} sets the cookie "${cookie.name}" ${what}, so whether it is sent on cross-site requests depends on each browser's default (older browsers send it, enabling cross-site request forgery).`,
    });
  } else if (sameSite === 'none' && !cookie.secure) {
    out.push({
      checkId: COOKIE_MISSING_SAMESITE.id,
      description: `${url} sets the cookie "${cookie.name}" with SameSite=None but without Secure: current browsers reject it outright and older ones send it on every cross-site request.`,
    });
  }
  return out;
}
