import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../../../lib/logger.js';
import type { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { fingerprintOf, FindingLifecycle, FindingWriter, type Coverage, type NewFinding } from '../../../findings/src/module.js';
import { ScanStateStore } from '../events/scan-state.store.js';
import { ScanAuthorisationEntity } from '../ownership/scan-authorisation.entity.js';
import { proofCovers } from '../ownership/target-coverage.js';
import { ScanEntity, TERMINAL, type ScanStatus } from '../scan/scan.entity.js';
import { checkCatalogue, type CheckCatalogue } from '../scanner/catalogue.js';
import { runEngine, type ScanStats } from '../scanner/engine.js';
import { profileSettings, type ProfileSettings, type ScanMode, type ScanProfile } from '../scanner/profiles.js';
import type { ScanDns } from '../scanner/scan-dns.js';
import { checkTargetAddresses, normalizeTarget, TargetInputError, type NormalizedTarget } from '../target/target.js';

export interface ScanRunnerDeps {
  scansOrm: MikroORM;
  findingsOrm: MikroORM;
  policy: AddressPolicy;
  dns: ScanDns;
  log: Logger;
  /** Operator caps on every profile's limits (e.g. a shorter deadline); never raise them. */
  limits?: Partial<Pick<ProfileSettings, 'requestTimeoutMs' | 'deadlineMs'>>;
  ca?: string;
  userAgent: string;
  catalogue?: CheckCatalogue;
}

/**
 * Runs one scan: QUEUED → RUNNING (per-probe events, findings as found) → COMPLETED, or FAILED
 * with a readable error, or stops at once when CANCELLED. Idempotent, since the queue delivers at
 * least once: an ended scan is left alone, and findings are keyed by (scan, fingerprint), so a
 * retry after a crash records each finding once.
 */
export class ScanRunner {
  private readonly state: ScanStateStore;

  constructor(private readonly deps: ScanRunnerDeps) {
    this.state = new ScanStateStore(deps.scansOrm.em.fork());
  }

  async run(scanId: string, signal?: AbortSignal): Promise<ScanStats | null> {
    const scan = await this.deps.scansOrm.em.fork().findOne(ScanEntity, { id: scanId });
    if (!scan || TERMINAL.includes(scan.status as ScanStatus)) return null;
    const log = this.deps.log.child({ scanId });
    await this.state.apply(scanId, { status: 'RUNNING', progress: 0, startedAt: scan.startedAt ?? new Date() });

    let target: NormalizedTarget;
    let addresses: Map<string, string[]>;
    try {
      target = normalizeTarget(scan.target, scan.targetType as never, { maxCidrHosts: Number.MAX_SAFE_INTEGER });
      // The policy is checked again now, and these answers are the ones every connection uses.
      addresses = await checkTargetAddresses(target, this.deps.policy, this.deps.dns.resolve);
    } catch (err) {
      if (!(err instanceof TargetInputError)) throw err;
      await this.fail(scanId, err.message);
      return null;
    }
    await this.state.apply(scanId, { progress: 5 });

    // An active scan probes only what its authorisation record proved (none: passive probes only).
    const proof = scan.mode === 'ACTIVE' ? await this.deps.scansOrm.em.fork().findOne(ScanAuthorisationEntity, { scanId, authorised: true }) : null;
    if (scan.mode === 'ACTIVE' && !proof) log.warn('active scan without an authorisation record: running its passive probes only');
    const profile = this.profileFor(scan.profile as ScanProfile);
    const owner = { accountId: scan.accountId, clientId: scan.clientId, scanId };
    const writer = new FindingWriter(this.deps.findingsOrm.em.fork());
    const lifecycle = new FindingLifecycle(this.deps.findingsOrm.em.fork());
    const catalogue = this.deps.catalogue ?? checkCatalogue();
    // What this scan verifiably looked at: probes that ran to the end on hosts whose page was read
    // and where no request failed without a definite answer.
    const finishedOk = new Map<string, Set<string>>();
    const verifiableHosts = new Set<string>();
    const stats = await runEngine({
      target,
      addresses,
      mode: scan.mode as ScanMode,
      profile,
      catalogue,
      policy: this.deps.policy,
      ...(proof ? { activeCovers: (host: { hostname: string; addresses: string[] }) => proofCovers(proof, host) } : {}),
      dns: this.deps.dns,
      userAgent: this.deps.userAgent,
      ...(this.deps.ca ? { ca: this.deps.ca } : {}),
      ...(signal ? { signal } : {}),
      log,
      sink: {
        checkStarted: async (e) => {
          await this.state.apply(scanId, {}, { activity: { kind: 'CHECK_STARTED', checkId: e.probe, host: e.host } });
        },
        checkFinished: async (e) => {
          if (!e.error) {
            let set = finishedOk.get(e.host);
            if (!set) finishedOk.set(e.host, (set = new Set()));
            set.add(e.probe);
          }
          await this.state.apply(scanId, { progress: e.progress }, { activity: { kind: 'CHECK_FINISHED', checkId: e.probe, host: e.host, detail: e.error ?? null } });
        },
        findings: async (list: NewFinding[]) => {
          const inserted = await writer.record(owner, list);
          await lifecycle.seen(owner, list);
          const byFingerprint = new Map(list.map((f) => [fingerprintOf(f), f]));
          await this.state.recordFindings(
            scanId,
            inserted.map((r) => {
              const f = byFingerprint.get(r.fingerprint)!;
              return { id: r.id, checkId: f.checkId, severity: f.severity, title: f.title };
            }),
          );
        },
        progress: async (percent) => {
          await this.state.apply(scanId, { progress: percent });
        },
        hostDone: async (e) => {
          if (e.verifiable) verifiableHosts.add(e.host);
        },
      },
    });
    log.info({ stats }, 'scan ran');

    if (stats.cancelled) return stats; // cancelScan already recorded the end
    if (stats.hostsReachable === 0 && stats.findings === 0) {
      const reason = stats.deadlineReached
        ? `The scan reached its deadline of ${Math.round(profile.deadlineMs / 1000)} s before any host answered`
        : stats.errors.length > 0
          ? stats.errors.slice(0, 3).join('; ')
          : 'No host of the target answered';
      await this.state.apply(scanId, { status: 'FAILED', error: reason, completedAt: new Date(), stats: { ...stats } });
      return stats;
    }
    if (!stats.deadlineReached) {
      const coverage: Coverage[] = [...verifiableHosts].map((host) => ({
        host,
        // DNS probes report nothing when a lookup fails, so their silence proves no fix.
        checkIds: [...(finishedOk.get(host) ?? [])].filter((p) => p !== 'dns').flatMap((p) => catalogue.probes.find((x) => x.id === p)?.checks.map((c) => c.id) ?? []),
      }));
      const fixed = await lifecycle.verifyFixed(owner, coverage);
      if (fixed > 0) log.info({ fixed }, 'findings verified fixed');
    }
    await this.state.apply(scanId, { status: 'COMPLETED', progress: 100, completedAt: new Date(), stats: { ...stats } });
    return stats;
  }

  private profileFor(name: ScanProfile): ProfileSettings {
    const base = profileSettings(name);
    const cap = (value: number, limit: number | undefined): number => (limit === undefined ? value : Math.min(value, limit));
    return profileSettings(name, {
      requestTimeoutMs: cap(base.requestTimeoutMs, this.deps.limits?.requestTimeoutMs),
      deadlineMs: cap(base.deadlineMs, this.deps.limits?.deadlineMs),
    });
  }

  private async fail(scanId: string, error: string): Promise<void> {
    await this.state.apply(scanId, { status: 'FAILED', error, completedAt: new Date() });
  }

  /** Marks a scan failed after its last attempt ended in an unexpected error. */
  async giveUp(scanId: string): Promise<void> {
    await this.fail(scanId, 'The scan stopped after repeated internal errors; please retry');
  }
}
