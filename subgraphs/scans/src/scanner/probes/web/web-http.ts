import { isIP } from 'node:net';
import type { ProbeContext } from '../../check.js';
import type { SafeResponse } from '../../safe-fetch.js';
import { BudgetExhaustedError, type ScanRequest } from '../../scan-http.js';

/** Response headers as safe-fetch returns them: lower-case names, Set-Cookie as an array. */
export type ResponseHeaders = Record<string, string | string[]>;

/** Every value of a header (case-insensitive name), trimmed, empty ones dropped. */
export function headerValues(headers: ResponseHeaders, name: string): string[] {
  const wanted = name.toLowerCase();
  const out: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    for (const v of Array.isArray(value) ? value : [value]) if (v.trim()) out.push(v.trim());
  }
  return out;
}

/** The first value of a header, or undefined. */
export function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  return headerValues(headers, name)[0];
}

/** Headers with lower-case names (repeated names merged), as evidence shows them. */
export function lowerCaseHeaders(headers: ResponseHeaders): ResponseHeaders {
  const out: ResponseHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    const existing = out[key];
    out[key] = existing === undefined ? value : [existing, value].flat();
  }
  return out;
}

/** A Set-Cookie line with its value replaced, so evidence never carries a session token. */
export function redactSetCookie(line: string): string {
  const semi = line.indexOf(';');
  const pair = semi === -1 ? line : line.slice(0, semi);
  const eq = pair.indexOf('=');
  const name = eq === -1 ? '' : pair.slice(0, eq).trim();
  const value = eq === -1 ? pair.trim() : pair.slice(eq + 1).trim();
  const shown = value === '' ? '' : '[redacted]';
  return `${name}=${shown}${semi === -1 ? '' : line.slice(semi)}`;
}

/** Lower-cased headers for evidence, with cookie values and credentials redacted. */
export function evidenceHeaders(headers: ResponseHeaders): ResponseHeaders {
  const out = lowerCaseHeaders(headers);
  const cookies = out['set-cookie'];
  if (cookies !== undefined) out['set-cookie'] = (Array.isArray(cookies) ? cookies : [cookies]).map(redactSetCookie);
  for (const secret of ['authorization', 'proxy-authorization', 'x-api-key']) if (out[secret] !== undefined) out[secret] = '[redacted]';
  return out;
}

/** The media type of a response, lower-case without parameters ('' if none). */
export function mediaType(headers: ResponseHeaders): string {
  return (headerValue(headers, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Whether a browser would render the response as a document: HTML/XHTML by type, or (no type)
 * a body that starts like HTML, as page.ts decides. CSP, framing and permissions only matter there.
 */
export function isDocument(res: Pick<SafeResponse, 'headers' | 'body'>): boolean {
  const type = mediaType(res.headers);
  if (type === '') return /^\s*<(!doctype|html)/i.test(res.body.subarray(0, 256).toString('utf8'));
  return type === 'text/html' || type === 'application/xhtml+xml';
}

export function isHttpsUrl(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** Whether a URL names its host by IP address rather than by name. */
export function isIpHost(url: string): boolean {
  try {
    return isIP(new URL(url).hostname.replace(/^\[(.*)\]$/, '$1')) !== 0;
  } catch {
    return false;
  }
}

/** A fetch that failed for a reason of the target (refused, reset, timeout, bad TLS). */
export interface FetchFailure {
  error: string;
}

/**
 * Fetches through ctx.http and turns ordinary failures of the target into a value, so a probe
 * never fails because a port is closed. Cancellation, the deadline and a spent budget still
 * throw: the engine records those, and continuing would be pointless.
 */
export async function fetchOrFailure(ctx: ProbeContext, url: string, req: ScanRequest = {}): Promise<SafeResponse | FetchFailure> {
  try {
    return await ctx.http.fetch(url, req);
  } catch (err) {
    if (ctx.signal.aborted || err instanceof BudgetExhaustedError) throw err;
    const error = err instanceof Error ? err.message : String(err);
    ctx.log.debug({ url, error }, 'request failed');
    return { error };
  }
}

export function isFailure(r: SafeResponse | FetchFailure): r is FetchFailure {
  return 'error' in r;
}

/** At most `max` items of a list for evidence, and how many were left out. */
export function bounded<T>(items: readonly T[], max: number): { items: T[]; more: number } {
  return { items: items.slice(0, max), more: Math.max(0, items.length - max) };
}
