import { AddressPolicy } from '../../lib/net/address-policy.js';
import { createLogger } from '../../lib/logger.js';
import type { ProbeContext, ProbeFinding, ScanHostInfo } from '../../subgraphs/scans/src/scanner/check.js';
import { fetchPage, type PageSnapshot } from '../../subgraphs/scans/src/scanner/page.js';
import { profileSettings, type ProfileSettings, type ScanMode, type ScanProfile } from '../../subgraphs/scans/src/scanner/profiles.js';
import { ScanDns } from '../../subgraphs/scans/src/scanner/scan-dns.js';
import { ScanHttp } from '../../subgraphs/scans/src/scanner/scan-http.js';
import { ScanNet } from '../../subgraphs/scans/src/scanner/scan-net.js';
import { normalizeTarget, type TargetType } from '../../subgraphs/scans/src/target/target.js';

export interface TestProbeContext extends ProbeContext {
  /** Everything the probe reported, in order. */
  findings: ProbeFinding[];
  http: ScanHttp;
}

/**
 * A real ProbeContext for unit tests of one probe: real HTTP/TCP/DNS through the scanner's own
 * clients, loopback allowed by the policy, findings collected in `findings`.
 */
export function makeProbeContext(opts: {
  target: string;
  targetType?: TargetType;
  mode?: ScanMode;
  profile?: ScanProfile;
  profileOverrides?: Partial<ProfileSettings>;
  /** Addresses of the host (default: the target's IP, or 127.0.0.1 for a name). */
  addresses?: string[];
  allowCidrs?: string[];
  /** name → addresses, for targets given by name; unknown names fail to resolve. */
  hosts?: Record<string, string[]>;
  dnsServers?: string[];
  ca?: string;
  signal?: AbortSignal;
}): TestProbeContext {
  const target = normalizeTarget(opts.target, opts.targetType ?? 'URL', { maxCidrHosts: 1 << 16 });
  const first = target.hosts[0]!;
  const policy = new AddressPolicy(opts.allowCidrs ?? ['127.0.0.0/8']);
  const profile = profileSettings(opts.profile ?? 'STANDARD', { requestTimeoutMs: 5_000, ...opts.profileOverrides });
  const signal = opts.signal ?? new AbortController().signal;
  const dns = new ScanDns(opts.dnsServers ?? []);
  const table = opts.hosts ?? {};
  const resolve = async (name: string): Promise<string[]> => {
    if (table[name]) return table[name]!;
    if (opts.dnsServers?.length) return dns.addresses(name);
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  };
  const http = new ScanHttp({
    policy,
    resolve,
    requestBudget: profile.requestBudget,
    perHostConcurrency: profile.perHostConcurrency,
    requestTimeoutMs: profile.requestTimeoutMs,
    maxBodyBytes: profile.maxBodyBytes,
    userAgent: 'fixfirst-scanner/test',
    ...(opts.ca ? { ca: opts.ca } : {}),
    signal,
  });
  const host: ScanHostInfo = { ...first, addresses: opts.addresses ?? (first.ip ? [first.ip] : table[first.hostname] ?? ['127.0.0.1']) };
  let page: Promise<PageSnapshot | null> | null = null;
  const findings: ProbeFinding[] = [];
  return {
    target,
    host,
    mode: opts.mode ?? 'PASSIVE',
    profile,
    http,
    net: new ScanNet(policy, signal, profile.requestTimeoutMs),
    dns,
    ...(opts.ca ? { ca: opts.ca } : {}),
    page: () => (page ??= fetchPage(http, host.urls, profile).then((r) => r.page)),
    report: (f) => findings.push(f),
    signal,
    log: createLogger('probe-test', 'silent'),
    findings,
  };
}
