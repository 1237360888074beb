import type { Logger } from '../../../../lib/logger.js';
import type { AddressPolicy } from '../../../../lib/net/address-policy.js';
import type { NewFinding } from '../../../findings/src/module.js';
import type { NormalizedTarget } from '../target/target.js';
import type { CheckCatalogue } from './catalogue.js';
import type { Probe, ProbeContext, ProbeFinding, ScanHostInfo } from './check.js';
import { fetchPage, type PageSnapshot } from './page.js';
import { profileIncludes, type ProfileSettings, type ScanMode } from './profiles.js';
import type { ScanDns } from './scan-dns.js';
import { BudgetExhaustedError, ScanHttp, Semaphore } from './scan-http.js';
import { ScanNet } from './scan-net.js';

/** Where the engine sends what happens, in order per probe: started, findings, finished. */
export interface EngineSink {
  checkStarted(e: { probe: string; host: string }): Promise<void>;
  /** Findings of one probe on one host, as soon as the probe ends. */
  findings(list: NewFinding[]): Promise<void>;
  /** `progress`: the scan's percentage once this probe is done (5-95; the end is 100). */
  checkFinished(e: { probe: string; host: string; findings: number; error?: string; progress: number }): Promise<void>;
  /** Progress past a host that ran no probe (an empty address of a range). */
  progress(percent: number): Promise<void>;
  /**
   * A host is done. `verifiable`: its page was read and no request to it failed without a definite
   * answer, so what the scan did not see there may be taken as gone.
   */
  hostDone?(e: { host: string; verifiable: boolean }): Promise<void>;
}

export interface EngineOptions {
  target: NormalizedTarget;
  /** hostname → addresses resolved and checked once at the start of the run. */
  addresses: Map<string, string[]>;
  mode: ScanMode;
  profile: ProfileSettings;
  catalogue: CheckCatalogue;
  policy: AddressPolicy;
  dns: ScanDns;
  userAgent: string;
  ca?: string;
  /** Aborted when the scan is cancelled (or the job's worker is stopping). */
  signal?: AbortSignal;
  log: Logger;
  sink: EngineSink;
  /**
   * Whether the scan's authorisation (its ownership proof) covers this host: active probes run
   * only where it does. Absent, no host is covered and an active scan runs its passive probes only.
   */
  activeCovers?: (host: ScanHostInfo) => boolean;
}

/** What a run did, kept on the scan for users and benchmarks. */
export interface ScanStats {
  hosts: number;
  hostsReachable: number;
  requests: number;
  probesRun: number;
  probesFailed: number;
  findings: number;
  deadlineReached: boolean;
  budgetExhausted: boolean;
  cancelled: boolean;
  durationMs: number;
  /** Why hosts did not answer or probes failed (the first few). */
  errors: string[];
}

const MAX_ERRORS = 10;

/**
 * Runs every probe the mode and profile call for on every host of a target, within the profile's
 * budget and deadline. Probes only reach the network through ScanHttp, ScanNet and ScanDns, which
 * connect to policy-checked addresses only, resolved once per scan.
 */
export async function runEngine(opts: EngineOptions): Promise<ScanStats> {
  const started = Date.now();
  const deadline = AbortSignal.timeout(opts.profile.deadlineMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
  const stats: ScanStats = {
    hosts: opts.target.hosts.length,
    hostsReachable: 0,
    requests: 0,
    probesRun: 0,
    probesFailed: 0,
    findings: 0,
    deadlineReached: false,
    budgetExhausted: false,
    cancelled: false,
    durationMs: 0,
    errors: [],
  };
  const note = (message: string): void => {
    if (stats.errors.length < MAX_ERRORS) stats.errors.push(message);
  };
  const resolve = pinnedResolver(opts.addresses, opts.dns);
  const http = new ScanHttp({
    policy: opts.policy,
    resolve,
    requestBudget: opts.profile.requestBudget,
    perHostConcurrency: opts.profile.perHostConcurrency,
    requestTimeoutMs: opts.profile.requestTimeoutMs,
    maxBodyBytes: opts.profile.maxBodyBytes,
    userAgent: opts.userAgent,
    ...(opts.ca ? { ca: opts.ca } : {}),
    signal,
  });
  const net = new ScanNet(opts.policy, signal, opts.profile.requestTimeoutMs);
  const hosts: ScanHostInfo[] = opts.target.hosts.map((h) => ({ ...h, addresses: opts.addresses.get(h.hostname) ?? (h.ip ? [h.ip] : []) }));
  const many = hosts.length > 1 && opts.target.type === 'CIDR';

  // Each host is an equal share of 5-95 %, split evenly among the probes it runs.
  let units = 0;
  const advance = (share: number): number => {
    units += share;
    return 5 + Math.min(90, Math.floor((90 * units) / hosts.length));
  };
  const hostSlots = new Semaphore(Math.max(1, opts.profile.hostConcurrency));
  await Promise.all(
    hosts.map((host) =>
      hostSlots.use(async () => {
        if (signal.aborted) return;
        // In a range most addresses are usually empty: skip hosts with no open port quickly.
        if (many && !(await anyPortOpen(net, host, opts))) {
          if (!signal.aborted) await opts.sink.progress(advance(1));
          return;
        }
        const reachable = await scanHost(host, { ...opts, http, net, signal, stats, note, advance });
        if (reachable) stats.hostsReachable++;
      }),
    ),
  );

  stats.requests = http.requestCount;
  stats.cancelled = opts.signal?.aborted ?? false;
  stats.deadlineReached = !stats.cancelled && deadline.aborted;
  stats.durationMs = Date.now() - started;
  return stats;
}

interface HostRun extends EngineOptions {
  http: ScanHttp;
  net: ScanNet;
  signal: AbortSignal;
  stats: ScanStats;
  note(message: string): void;
  /** Adds a share of a host to the progress; returns the new percentage. */
  advance(share: number): number;
}

/** Runs the applicable probes on one host at once; returns whether the host answered at all. */
async function scanHost(host: ScanHostInfo, run: HostRun): Promise<boolean> {
  const probes = applicableProbes(run, host);
  if (probes.length === 0) run.advance(1);
  let pagePromise: Promise<PageSnapshot | null> | null = null;
  let pageErrors: string[] = [];
  const page = (): Promise<PageSnapshot | null> =>
    (pagePromise ??= fetchPage(run.http, host.urls, run.profile).then((r) => {
      pageErrors = r.errors;
      return r.page;
    }));
  let answered = false;

  await Promise.all(
    probes.map(async (probe) => {
      if (run.signal.aborted) return;
      const reported: ProbeFinding[] = [];
      const ctx: ProbeContext = {
        target: run.target,
        host,
        mode: run.mode,
        profile: run.profile,
        http: run.http,
        net: run.net,
        dns: run.dns,
        ...(run.ca ? { ca: run.ca } : {}),
        page,
        report: (f) => reported.push(f),
        signal: run.signal,
        log: run.log.child({ probe: probe.id, host: host.hostname }),
      };
      await run.sink.checkStarted({ probe: probe.id, host: host.hostname });
      let error: string | undefined;
      try {
        await probe.run(ctx);
      } catch (err) {
        if (err instanceof BudgetExhaustedError) run.stats.budgetExhausted = true;
        error = run.signal.aborted ? 'stopped: the scan was cancelled or reached its deadline' : (err as Error).message;
        if (!run.signal.aborted) {
          run.stats.probesFailed++;
          run.note(`${probe.id} on ${host.hostname}: ${error}`);
        }
      }
      run.stats.probesRun++;
      const findings = reported.map((f) => toNewFinding(f, probe, host, run.catalogue));
      if (findings.length > 0) {
        answered = true;
        await run.sink.findings(findings);
        run.stats.findings += findings.length;
      }
      const progress = run.advance(1 / probes.length);
      await run.sink.checkFinished({ probe: probe.id, host: host.hostname, findings: findings.length, progress, ...(error ? { error } : {}) });
    }),
  );
  const snapshot = pagePromise ? await pagePromise : null;
  if (snapshot) answered = true;
  else if (pagePromise && !answered) for (const e of pageErrors.slice(0, 2)) run.note(e);
  const clean = !run.http.unreliable.has(host.hostname) && !host.addresses.some((a) => run.net.unreliable.has(a));
  await run.sink.hostDone?.({ host: host.hostname, verifiable: snapshot !== null && clean && !run.signal.aborted });
  return answered;
}

/** The probes the scan's mode and profile call for on this host. */
export function applicableProbes(run: Pick<EngineOptions, 'catalogue' | 'mode' | 'profile' | 'target' | 'activeCovers'>, host: ScanHostInfo): Probe[] {
  // Active probing needs the scan's own authorisation to cover the host (createScan checked the
  // target; this holds it to every host the run resolves), on top of the address policy.
  const activeAllowed = run.mode === 'ACTIVE' && host.addresses.length > 0 && (run.activeCovers?.(host) ?? false);
  return run.catalogue.probes.filter(
    (p) => profileIncludes(run.profile.name, p.profile) && (p.mode === 'PASSIVE' || activeAllowed) && (p.appliesTo?.(run.target, host) ?? true),
  );
}

function toNewFinding(f: ProbeFinding, probe: Probe, host: ScanHostInfo, catalogue: CheckCatalogue): NewFinding {
  const check = catalogue.get(f.checkId);
  if (!check || !probe.checks.includes(check)) throw new Error(`Probe ${probe.id} reported ${f.checkId}, which is not one of its checks`);
  return {
    checkId: check.id,
    severity: f.severity ?? check.severity,
    title: f.title ?? check.title,
    description: f.description,
    evidence: f.evidence,
    remediation: f.remediation ?? check.remediation,
    cweId: check.cweId,
    target: f.target ?? host.urls[0] ?? host.hostname,
    host: host.hostname,
    location: f.location ?? null,
    cveIds: f.cveIds ?? [],
    confidence: check.confidence,
  };
}

/** Answers each name once per scan: the first answer is the one every later connection uses. */
function pinnedResolver(known: Map<string, string[]>, dns: ScanDns): (hostname: string) => Promise<string[]> {
  const cache = new Map<string, Promise<string[]>>();
  for (const [name, addresses] of known) cache.set(name, Promise.resolve(addresses));
  return (hostname) => {
    let answer = cache.get(hostname);
    if (!answer) {
      answer = dns.addresses(hostname);
      cache.set(hostname, answer);
    }
    return answer;
  };
}

const LIVENESS_PORTS = [80, 443, 22, 8080, 8443];

async function anyPortOpen(net: ScanNet, host: ScanHostInfo, opts: EngineOptions): Promise<boolean> {
  const ports = [...new Set([...LIVENESS_PORTS, ...(opts.mode === 'ACTIVE' ? opts.profile.ports.slice(0, 100) : [])])];
  for (const address of host.addresses) {
    const open = await Promise.any(
      ports.map((port) =>
        net.connect(address, port, { timeoutMs: 2_000 }).then((s) => {
          s.destroy();
          return true;
        }),
      ),
    ).catch(() => false);
    if (open) return true;
  }
  return false;
}
