import http from 'node:http';
import https from 'node:https';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import type { AddressPolicy } from '../../../../lib/net/address-policy.js';

/** Resolves a host name to every address it has. */
export type HostResolver = (hostname: string) => Promise<string[]>;

export const systemHostResolver: HostResolver = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** A webhook URL that may not be used; `message` is safe to show to the caller. */
export class DestinationRefusedError extends Error {
  override readonly name = 'DestinationRefusedError';
}

export interface DestinationRules {
  policy: AddressPolicy;
  allowHttp: boolean;
  resolve?: HostResolver;
}

const bare = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Checks the URL's form: https (or http when allowed), no credentials, at most 2000 characters. */
export function parseWebhookUrl(raw: string, allowHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DestinationRefusedError('is not a URL');
  }
  if (raw.length > 2000) throw new DestinationRefusedError('must be at most 2000 characters');
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    throw new DestinationRefusedError(allowHttp ? 'must be an http(s) URL' : 'must be an https:// URL (plain http is refused unless the operator sets ALERT_ALLOW_HTTP=true)');
  }
  if (url.username || url.password) throw new DestinationRefusedError('must not contain credentials');
  return url;
}

/**
 * Resolves the URL's host once and checks every address against the address policy (DESIGN §6:
 * the scanner's policy, SCAN_ALLOW_CIDRS); returns the address to connect to. Used when a channel
 * is configured and again before every delivery (DNS may have changed since).
 */
export async function checkedAddress(url: URL, rules: DestinationRules): Promise<string> {
  const host = bare(url);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await (rules.resolve ?? systemHostResolver)(host);
    } catch {
      throw new DestinationRefusedError(`could not resolve ${host}`);
    }
    if (addresses.length === 0) throw new DestinationRefusedError(`could not resolve ${host}`);
  }
  for (const address of addresses) {
    const verdict = rules.policy.check(address);
    if (!verdict.allowed) throw new DestinationRefusedError(`is refused: ${verdict.reason}`);
  }
  return addresses[0]!;
}

/** Bytes of a receiver's answer read at most (its status and the start of an error text are all we keep). */
const MAX_ANSWER_BYTES = 4096;

/** What one POST came back with. */
export interface PostOutcome {
  ok: boolean;
  status: number;
  /** Why it failed, short and safe to store (no response body beyond 200 characters). */
  error: string | null;
}

export interface PostOptions extends DestinationRules {
  timeoutMs: number;
  /** Extra CAs trusted on top of the public ones (ALERT_EXTRA_CA_FILE). */
  ca: string | null;
  headers: Record<string, string>;
}

/**
 * POSTs a JSON body to a checked webhook URL: connects only to the address the policy checked (no
 * DNS rebinding), verifies TLS against the public CAs plus ALERT_EXTRA_CA_FILE, and follows no
 * redirect (a 3xx is a failure: its target was never checked). One deadline covers resolving,
 * connecting and reading, and at most MAX_ANSWER_BYTES of the answer are read. Never throws for an
 * HTTP answer.
 */
export async function postJson(rawUrl: string, body: string, opts: PostOptions): Promise<PostOutcome> {
  const url = parseWebhookUrl(rawUrl, opts.allowHttp);
  // One deadline for the whole attempt: resolving the name too (a stuck resolver must not hold the job).
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  const late = (): Error => new Error(`no answer from ${url.host} within ${opts.timeoutMs} ms`);
  const address = await new Promise<string>((resolve, reject) => {
    const onAbort = (): void => reject(late());
    deadline.addEventListener('abort', onAbort, { once: true });
    checkedAddress(url, opts)
      .then(resolve, reject)
      .finally(() => deadline.removeEventListener('abort', onAbort));
  });
  const family = isIP(address);
  const lookup: LookupFunction = (_name, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const secure = url.protocol === 'https:';
  const host = bare(url);
  const options: https.RequestOptions = {
    method: 'POST',
    host,
    port: url.port || undefined,
    path: `${url.pathname}${url.search}`,
    lookup,
    agent: false,
    timeout: opts.timeoutMs,
    signal: deadline,
    headers: { ...opts.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), host: url.host, connection: 'close' },
    ...(secure ? { servername: isIP(host) ? '' : host, rejectUnauthorized: true, ...(opts.ca ? { ca: [...rootCertificates, opts.ca] } : {}) } : {}),
  };
  return new Promise<PostOutcome>((resolve, reject) => {
    const req = (secure ? https : http).request(options, (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (): void => {
        if (status >= 200 && status < 300) return resolve({ ok: true, status, error: null });
        const text = Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 200);
        const why = status >= 300 && status < 400 ? 'redirects are not followed' : text;
        resolve({ ok: false, status, error: `HTTP ${status} from ${url.host}${why ? `: ${why}` : ''}` });
      };
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        size += c.length;
        // Only the start of an answer is ever used: stop downloading the rest (and free the socket).
        if (size >= MAX_ANSWER_BYTES) {
          finish();
          res.destroy();
        }
      });
      res.on('error', reject);
      res.on('end', finish);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url.host} within ${opts.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
