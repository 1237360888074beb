import type { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { PolicyRefusedError, safeFetch, type SafeResponse } from '../scanner/safe-fetch.js';
import type { Resolver } from '../target/target.js';
import type { VerificationMethod } from './target-domain.entity.js';

/** The TXT record lives at `_fixfirst.<domain>`, not the apex: it stays out of SPF/other apex TXT parsing and can be delegated by CNAME. */
export const DNS_RECORD_LABEL = '_fixfirst';
export const TXT_VALUE_PREFIX = 'fixfirst-verification=';
export const WELL_KNOWN_PATH = '/.well-known/fixfirst-verification.txt';
/** The well-known file holds one token (a few per file at most): anything bigger is not ours. */
export const MAX_FILE_BYTES = 4096;
const USER_AGENT = 'fixfirst-verifier/0.1 (+domain ownership check)';

export const dnsRecordName = (domain: string): string => `${DNS_RECORD_LABEL}.${domain}`;
export const dnsRecordValue = (token: string): string => `${TXT_VALUE_PREFIX}${token}`;

export type VerificationOutcome = { ok: true } | { ok: false; reason: string };

export interface DomainVerifierOptions {
  /** TXT lookups (ScanDns, so DNS_SERVERS applies). */
  txt: (name: string) => Promise<string[]>;
  policy: AddressPolicy;
  resolve: Resolver;
  /** Also accept the file over plain http (VERIFY_ALLOW_HTTP); https is always tried first. */
  allowHttp: boolean;
  timeoutMs: number;
  /** Extra trusted CA (SCAN_EXTRA_CA_FILE): the https file counts only with a trusted certificate. */
  ca?: string;
  /** Ports of the well-known file; the standard ones unless a test serves it elsewhere. */
  ports?: { http?: number; https?: number };
}

/**
 * Checks, now, that a domain publishes a token: as a DNS TXT record or in the HTTP well-known file.
 * The file is fetched only through the policy-checked client (no forbidden address is ever
 * contacted), without following redirects (a redirect would let another host answer for this
 * one), with a short deadline and a small body cap; https needs a certificate we trust.
 */
export class DomainVerifier {
  constructor(private readonly opts: DomainVerifierOptions) {}

  check(domain: string, token: string, method: VerificationMethod): Promise<VerificationOutcome> {
    return method === 'DNS' ? this.checkDns(domain, token) : this.checkHttp(domain, token);
  }

  /** The URLs the file is looked for at, in order. */
  fileUrls(domain: string): string[] {
    const urls = [`https://${domain}${portPart(this.opts.ports?.https, 443)}${WELL_KNOWN_PATH}`];
    if (this.opts.allowHttp) urls.push(`http://${domain}${portPart(this.opts.ports?.http, 80)}${WELL_KNOWN_PATH}`);
    return urls;
  }

  private async checkDns(domain: string, token: string): Promise<VerificationOutcome> {
    const name = dnsRecordName(domain);
    let records: string[];
    try {
      records = await withDeadline(this.opts.txt(name), this.opts.timeoutMs, `looking up TXT records of ${name}`);
    } catch (err) {
      return { ok: false, reason: `could not look up TXT records of ${name}: ${describe(err)}` };
    }
    const ours = records.map((r) => r.trim()).filter((r) => r.startsWith(TXT_VALUE_PREFIX));
    if (ours.includes(dnsRecordValue(token))) return { ok: true };
    // Another token (another client's, an old one) is never echoed: it is not this caller's business.
    if (ours.length > 0) return { ok: false, reason: `the TXT records at ${name} hold no ${TXT_VALUE_PREFIX} value with this domain's token` };
    return { ok: false, reason: `no TXT record "${TXT_VALUE_PREFIX}…" found at ${name}` };
  }

  private async checkHttp(domain: string, token: string): Promise<VerificationOutcome> {
    const reasons: string[] = [];
    for (const url of this.fileUrls(domain)) {
      const outcome = await this.checkFile(url, token);
      if (outcome.ok) return outcome;
      reasons.push(`${url}: ${outcome.reason}`);
    }
    if (!this.opts.allowHttp) reasons.push('plain http is not accepted on this deployment (VERIFY_ALLOW_HTTP)');
    return { ok: false, reason: reasons.join('; ') };
  }

  private async checkFile(url: string, token: string): Promise<VerificationOutcome> {
    let res: SafeResponse;
    try {
      res = await safeFetch(url, {
        policy: this.opts.policy,
        resolve: this.opts.resolve,
        timeoutMs: this.opts.timeoutMs,
        maxBodyBytes: MAX_FILE_BYTES,
        followRedirects: false,
        userAgent: USER_AGENT,
        ...(this.opts.ca ? { ca: this.opts.ca } : {}),
      });
    } catch (err) {
      if (err instanceof PolicyRefusedError) return { ok: false, reason: `not fetched: ${err.message}` };
      return { ok: false, reason: describe(err) };
    }
    if (res.tls && !res.tls.authorized) {
      return { ok: false, reason: `the certificate is not trusted (${res.tls.authorizationError ?? 'unknown error'})` };
    }
    if (res.status >= 300 && res.status < 400) return { ok: false, reason: `answered ${res.status}; redirects are not followed` };
    if (res.status !== 200) return { ok: false, reason: `answered ${res.status}` };
    if (res.truncated) return { ok: false, reason: `the file is larger than ${MAX_FILE_BYTES} bytes` };
    const lines = res.body.toString('utf8').split(/\r?\n/).map((l) => l.trim());
    if (lines.includes(token) || lines.includes(dnsRecordValue(token))) return { ok: true };
    return { ok: false, reason: "the file does not contain this domain's token" };
  }
}

function portPart(port: number | undefined, standard: number): string {
  return port === undefined || port === standard ? '' : `:${port}`;
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code && !String(e.message).includes(e.code) ? `${e.message} (${e.code})` : String(e?.message ?? err);
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
