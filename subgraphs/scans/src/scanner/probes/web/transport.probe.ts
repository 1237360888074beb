import type { CheckDefinition, Probe, ProbeContext, ScanHostInfo } from '../../check.js';
import type { SafeResponse } from '../../safe-fetch.js';
import { fetchOrFailure, headerValue, isFailure } from './web-http.js';

const base = { category: 'transport', mode: 'PASSIVE', profile: 'LIGHT', confidence: 'CONFIRMED', cweId: 'CWE-319' } as const;

export const HTTP_NOT_REDIRECTED: CheckDefinition = {
  ...base,
  id: 'transport.http-not-redirected',
  title: 'Plain HTTP serves content instead of redirecting to HTTPS',
  severity: 'MEDIUM',
  description: "Requests the host's http:// URL without following redirects, while HTTPS is available, and checks that it answers with a redirect instead of the content.",
  evidence: 'The http:// URL, its status and headers, and the https:// URL that answered',
  remediation:
    'Answer every plain HTTP request with a permanent redirect to the same URL over HTTPS, e.g. nginx ' +
    '`server { listen 80; return 301 https://$host$request_uri; }`, and send Strict-Transport-Security over HTTPS.',
};

export const NO_HTTPS: CheckDefinition = {
  ...base,
  id: 'transport.no-https',
  title: 'Site is served over plain HTTP only',
  severity: 'MEDIUM',
  description: 'Checks whether the host, which answers over http://, also answers over https:// on the same path; without HTTPS everything, logins included, travels unencrypted.',
  evidence: 'The http:// URL that answered and why the https:// URL did not',
  remediation:
    "Serve the site over HTTPS with a certificate from a public CA (Let's Encrypt: `certbot --nginx -d example.com`), " +
    'then redirect HTTP to HTTPS and send Strict-Transport-Security.',
};

/** The http and https URL of the same host and path, from the host's URLs. */
export function schemePair(host: Pick<ScanHostInfo, 'urls'>): { https: string; http: string } | null {
  const https = host.urls.find((u) => u.startsWith('https://'));
  const http = host.urls.find((u) => u.startsWith('http://'));
  if (https && http) return { https, http };
  const only = https ?? http;
  if (!only) return null;
  // A single URL target: the other scheme on its default port, same host and path. A URL on a
  // port of its own says nothing about where the other scheme would live: nothing to compare.
  const other = new URL(only);
  if (other.port !== '') return null;
  other.protocol = https ? 'http:' : 'https:';
  other.port = '';
  return https ? { https, http: other.href } : { https: other.href, http: only };
}

/** Whether plain HTTP is refused, redirected, or served, judged on the first hop of each scheme. */
export const transportProbe: Probe = {
  id: 'transport',
  title: 'HTTPS availability and HTTP redirect',
  checks: [HTTP_NOT_REDIRECTED, NO_HTTPS],
  mode: 'PASSIVE',
  profile: 'LIGHT',
  async run(ctx: ProbeContext): Promise<void> {
    const pair = schemePair(ctx.host);
    if (!pair) return;
    const http = await fetchOrFailure(ctx, pair.http, { followRedirects: false, maxBodyBytes: 0 });
    // Nothing answers on plain HTTP: nothing can leak over it.
    if (isFailure(http)) return;
    const https = await fetchOrFailure(ctx, pair.https, { followRedirects: false, maxBodyBytes: 0 });
    if (isFailure(https)) {
      ctx.report({
        checkId: NO_HTTPS.id,
        target: pair.http,
        description: `${pair.http} answers over plain HTTP (status ${http.status}) but ${pair.https} does not (${https.error}), so visitors and their credentials travel unencrypted.`,
        evidence: { httpUrl: pair.http, httpStatus: http.status, httpsUrl: pair.https, httpsError: https.error },
      });
      return;
    }
    // A 2xx is content served over HTTP. Redirects (even via another http:// hop) and errors are not judged here.
    if (http.status >= 200 && http.status < 300) {
      ctx.report({
        checkId: HTTP_NOT_REDIRECTED.id,
        target: pair.http,
        description: `${pair.http} answers with status ${http.status} and the content itself instead of redirecting to HTTPS, although ${pair.https} answers (status ${https.status}); visitors who type the name or follow an http:// link stay on an unencrypted connection.`,
        evidence: { httpUrl: pair.http, httpStatus: http.status, httpHeaders: firstHopHeaders(http), httpsUrl: pair.https, httpsStatus: https.status },
      });
    }
  },
};

function firstHopHeaders(res: SafeResponse): Record<string, string | null> {
  return {
    'content-type': headerValue(res.headers, 'content-type') ?? null,
    'content-length': headerValue(res.headers, 'content-length') ?? null,
    server: headerValue(res.headers, 'server') ?? null,
  };
}
