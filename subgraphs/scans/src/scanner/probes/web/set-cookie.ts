import { redactSetCookie } from './web-http.js';

/** One Set-Cookie header as a browser reads it; the value itself is never kept. */
export interface SetCookie {
  name: string;
  /** The header with the cookie's value replaced by `[redacted]`. */
  redacted: string;
  secure: boolean;
  httpOnly: boolean;
  /** The SameSite attribute as sent (lower-case), or undefined. */
  sameSite?: string;
  /** Max-Age ≤ 0 or an Expires in the past: the server is deleting the cookie, not setting it. */
  deletion: boolean;
}

/** Parses a Set-Cookie header; null when it has no `name=` pair (browsers ignore those too). */
export function parseSetCookie(line: string, now = Date.now()): SetCookie | null {
  const [pair, ...attributes] = line.split(';');
  const eq = pair!.indexOf('=');
  if (eq === -1) return null;
  const name = pair!.slice(0, eq).trim();
  if (!name) return null;
  const cookie: SetCookie = { name, redacted: redactSetCookie(line), secure: false, httpOnly: false, deletion: false };
  for (const attribute of attributes) {
    const at = attribute.indexOf('=');
    const key = (at === -1 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
    const value = at === -1 ? '' : attribute.slice(at + 1).trim();
    if (key === 'secure') cookie.secure = true;
    else if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'samesite') cookie.sameSite = value.toLowerCase();
    else if (key === 'max-age' && /^-?\d+$/.test(value) && Number(value) <= 0) cookie.deletion = true;
    else if (key === 'expires') {
      const when = Date.parse(value);
      if (!Number.isNaN(when) && when < now) cookie.deletion = true;
    }
  }
  return cookie;
}

/** Cookie names that usually carry a session or credential, which scripts never need to read. */
export const SESSION_COOKIE_NAME = /sess|sid|token|auth|jwt|login/i;

export function isSessionCookie(name: string): boolean {
  return SESSION_COOKIE_NAME.test(name);
}
