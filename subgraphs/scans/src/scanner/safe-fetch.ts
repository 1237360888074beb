import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { systemResolver, type Resolver } from '../target/target.js';

export interface SafeFetchOptions {
  policy: AddressPolicy;
  resolve?: Resolver;
  /** Deadline for the whole fetch, redirects included. */
  timeoutMs: number;
  maxRedirects?: number;
  maxBodyBytes?: number;
  /** Extra trusted CA(s), so `tls.authorized` can be true for a private PKI. */
  ca?: string | Buffer;
  userAgent?: string;
  signal?: AbortSignal;
  /** GET by default; HEAD and OPTIONS for probes that need no body. */
  method?: 'GET' | 'HEAD' | 'OPTIONS';
  /** Extra request headers (e.g. Origin for CORS checks); Host and User-Agent are ours. */
  headers?: Record<string, string>;
  /** false: return the first response even when it is a redirect (to judge the redirect itself). */
  followRedirects?: boolean;
  /** Called before every request is sent (each redirect hop too); may throw to refuse it (budgets). */
  beforeRequest?: (url: URL, address: string) => void;
}

/** One response on the way to the final one, with the address actually connected to. */
export interface SafeFetchHop {
  url: string;
  status: number;
  address: string;
}

export interface SafeResponse {
  /** The final URL, after redirects. */
  url: string;
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  truncated: boolean;
  hops: SafeFetchHop[];
  /** Certificate verdict for an https final URL; the fetch itself never rejects a certificate. */
  tls?: { authorized: boolean; authorizationError?: string };
}

/** The address policy refused an address a URL resolved to; nothing was sent to it. */
export class PolicyRefusedError extends Error {
  constructor(
    public readonly url: string,
    public readonly address: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'PolicyRefusedError';
  }
}

/** The fetch ran past its deadline; `url` is the hop that was in flight. */
export class SafeFetchTimeoutError extends Error {
  constructor(
    public readonly url: string,
    timeoutMs: number,
  ) {
    super(`Timed out after ${timeoutMs} ms fetching ${url}`);
    this.name = 'SafeFetchTimeoutError';
  }
}

export const DEFAULT_MAX_REDIRECTS = 5;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_USER_AGENT = 'fixfirst-scanner/0.1';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * GET a URL the way the scanner must: resolve once, refuse any address outside the policy,
 * connect only to the checked address (no DNS rebinding) and re-check every redirect hop.
 */
export async function safeFetch(url: string, opts: SafeFetchOptions): Promise<SafeResponse> {
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const resolve = opts.resolve ?? systemResolver;
  let current = httpUrl(url, url);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new SafeFetchTimeoutError(current.href, opts.timeoutMs)), opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline.signal]) : deadline.signal;
  const hops: SafeFetchHop[] = [];
  try {
    for (;;) {
      const address = await checkedAddress(current, opts.policy, resolve, signal);
      opts.beforeRequest?.(current, address);
      const { res, tls } = await send(current, address, opts, signal);
      const status = res.statusCode ?? 0;
      hops.push({ url: current.href, status, address });
      const location = res.headers.location;
      if (REDIRECT_STATUSES.has(status) && location && opts.followRedirects !== false) {
        res.destroy();
        if (hops.length > maxRedirects) {
          throw new Error(`Too many redirects fetching ${url}: stopped after ${maxRedirects}`);
        }
        current = httpUrl(new URL(location, current).href, current.href);
        continue;
      }
      const { body, truncated } = await readBody(res, current.href, maxBodyBytes, signal);
      return { url: current.href, status, headers: plainHeaders(res), body, truncated, hops, ...(tls ? { tls } : {}) };
    }
  } catch (error) {
    // Report why we stopped (the caller's reason, or which URL hit the deadline), not node's AbortError.
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (deadline.signal.aborted) throw deadline.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function httpUrl(href: string, from: string): URL {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw new Error(`Invalid URL ${href}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    const via = from === href ? '' : ` (redirected from ${from})`;
    throw new Error(`Refusing to fetch ${href}${via}: only http and https are supported`);
  }
  if (url.username || url.password) throw new Error(`Refusing to fetch ${url.host}: URL contains credentials`);
  url.hash = '';
  return url;
}

const bareHost = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

async function checkedAddress(url: URL, policy: AddressPolicy, resolve: Resolver, signal: AbortSignal): Promise<string> {
  const hostname = bareHost(url);
  let addresses: string[];
  if (isIP(hostname)) {
    addresses = [hostname];
  } else {
    try {
      addresses = await abortable(resolve(hostname), signal);
    } catch (error) {
      if (signal.aborted) throw error;
      throw new Error(`could not resolve ${hostname}`, { cause: error });
    }
    if (addresses.length === 0) throw new Error(`could not resolve ${hostname}`);
  }
  for (const address of addresses) {
    const verdict = policy.check(address);
    if (!verdict.allowed) throw new PolicyRefusedError(url.href, address, verdict.reason);
  }
  return addresses[0]!;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function send(
  url: URL,
  address: string,
  opts: SafeFetchOptions,
  signal: AbortSignal,
): Promise<{ res: IncomingMessage; tls?: SafeResponse['tls'] }> {
  const hostname = bareHost(url);
  const family = isIP(address);
  // Whatever name the socket layer asks about, it gets the address the policy checked.
  const lookup: LookupFunction = (_name, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const secure = url.protocol === 'https:';
  const options: https.RequestOptions = {
    protocol: url.protocol,
    host: hostname,
    port: url.port || undefined,
    path: `${url.pathname}${url.search}`,
    method: opts.method ?? 'GET',
    headers: { accept: '*/*', ...opts.headers, host: url.host, 'user-agent': opts.userAgent ?? DEFAULT_USER_AGENT, connection: 'close' },
    lookup,
    agent: false,
    signal,
    ...(secure
      ? { servername: isIP(hostname) ? '' : hostname, rejectUnauthorized: false, ...(opts.ca ? { ca: opts.ca } : {}) }
      : {}),
  };
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(options, (res) => {
      if (!secure) return resolve({ res });
      const socket = res.socket as TLSSocket;
      const authorizationError = socket.authorizationError ? String(socket.authorizationError) : undefined;
      resolve({ res, tls: { authorized: socket.authorized, ...(authorizationError ? { authorizationError } : {}) } });
    });
    req.on('error', reject);
    req.end();
  });
}

function readBody(
  res: IncomingMessage,
  url: string,
  maxBytes: number,
  signal: AbortSignal,
): Promise<{ body: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (truncated: boolean): void => resolve({ body: Buffer.concat(chunks, size), truncated });
    const onAbort = (): void => {
      res.destroy();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    res.on('close', () => {
      signal.removeEventListener('abort', onAbort);
      if (!res.complete) reject(new Error(`Connection closed before the body of ${url} was complete`));
    });
    res.on('error', reject);
    res.on('end', () => finish(false));
    res.on('data', (chunk: Buffer) => {
      const room = maxBytes - size;
      if (chunk.length <= room) {
        chunks.push(chunk);
        size += chunk.length;
        return;
      }
      chunks.push(chunk.subarray(0, room));
      size += room;
      finish(true);
      res.destroy();
    });
  });
}

function plainHeaders(res: IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}
