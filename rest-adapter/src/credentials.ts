import type { Request } from 'express';
import { RestError } from './errors.js';
import { hasSignedLink, type ReportLinkAccess } from './reports/signed-url.js';
import type { RouteDef } from './route.js';

/** What a request presented, in the form its route accepts, ready to forward to the gateway. */
export interface CallerCredentials {
  /** Headers sent with every gateway call of this request (`x-api-key`, `authorization`). */
  headers: Record<string, string>;
  /**
   * Every presented credential, joined: never stored or logged; the idempotency store derives its
   * record id and sealing key from it (idempotency.ts).
   */
  material: string;
  /**
   * The credential that authenticates (the API key when one is sent, else the Bearer token): the
   * gateway keys its rate limits on its SHA-256, and so does the adapter.
   */
  primary: string;
}

const BEARER = /^Bearer\s+\S+\s*$/i;

function header(req: Request, name: string): string | null {
  const v = req.headers[name];
  const one = Array.isArray(v) ? v[0] : v;
  return one && one.trim() ? one.trim() : null;
}

/**
 * Enforces the route's auth form before anything else runs. Only the presence and form are
 * checked here; whether the credential is valid is the gateway's answer (401 → invalid_token).
 *  - fixfirst: `x-api-key` required; `Authorization: Bearer <client JWT>` optional, both forwarded.
 *  - v1: `Authorization: Bearer <key or token>` required; an `x-api-key` is not this dialect's and is ignored.
 *  - report: as fixfirst, or `?api_key=` (report URLs only: a key in a URL ends up in browser
 *    history and proxy logs, so no other route takes one), or a signed link's `?exp=&cred=&sig=`.
 */
export function callerCredentials(req: Request, auth: RouteDef['auth'], reportLinks?: ReportLinkAccess): CallerCredentials {
  const apiKey = header(req, 'x-api-key');
  const authorization = header(req, 'authorization');
  if (auth === 'v1') {
    if (!authorization || !BEARER.test(authorization)) throw new RestError('invalid_token', {}, { 'www-authenticate': 'Bearer' });
    return { headers: { authorization }, material: `bearer\n${authorization}`, primary: bearerToken(authorization) };
  }
  let key = apiKey;
  if (!key && auth === 'report') {
    const fromQuery = req.query.api_key;
    key = typeof fromQuery === 'string' && fromQuery.trim() ? fromQuery.trim() : null;
    // No key at all: a signed, expiring report link (reports/signed-url.ts) or nothing.
    if (!key && hasSignedLink(req)) {
      if (!reportLinks) throw new RestError('invalid_token');
      return reportLinks.credentials(req);
    }
  }
  // A client's own routes also take its JWT alone: the token names the client and its account.
  if (!key && auth === 'client' && authorization && BEARER.test(authorization)) return { headers: { authorization }, material: `bearer\n${authorization}`, primary: bearerToken(authorization) };
  if (!key) throw new RestError('invalid_token', { message: 'The x-api-key header is required' });
  const headers: Record<string, string> = { 'x-api-key': key };
  if (authorization) headers.authorization = authorization;
  return { headers, material: `key\n${key}\n${authorization ?? ''}`, primary: key };
}

function bearerToken(authorization: string): string {
  return authorization.replace(/^Bearer\s+/i, '').trim();
}
