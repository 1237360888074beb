import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../../../lib/logger.js';
import type { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { FindingWriter, type NewFinding } from '../../../findings/src/module.js';
import { ScanStateStore } from '../events/scan-state.store.js';
import { ScanEntity, TERMINAL, type ScanStatus } from '../scan/scan.entity.js';
import { checkSecurityHeaders } from '../scanner/checks/security-headers.check.js';
import { safeFetch } from '../scanner/safe-fetch.js';
import { checkTargetAddresses, normalizeTarget, TargetInputError, type Resolver, type TargetHost } from '../target/target.js';

export interface ScanRunnerDeps {
  scansOrm: MikroORM;
  findingsOrm: MikroORM;
  policy: AddressPolicy;
  resolve?: Resolver;
  log: Logger;
  fetchTimeoutMs: number;
  ca?: string;
  userAgent: string;
}

/**
 * Runs one scan: QUEUED → RUNNING (with progress) → COMPLETED, or FAILED with a readable error.
 * Idempotent, since the queue delivers at least once: an ended scan is left alone, and findings
 * are keyed by (scan, fingerprint), so a retry after a crash records each finding once.
 */
export class ScanRunner {
  private readonly state: ScanStateStore;

  constructor(private readonly deps: ScanRunnerDeps) {
    this.state = new ScanStateStore(deps.scansOrm.em.fork());
  }

  async run(scanId: string, signal?: AbortSignal): Promise<void> {
    const scan = await this.deps.scansOrm.em.fork().findOne(ScanEntity, { id: scanId });
    if (!scan || TERMINAL.includes(scan.status as ScanStatus)) return;
    const log = this.deps.log.child({ scanId });
    await this.state.apply(scanId, { status: 'RUNNING', progress: 0, startedAt: scan.startedAt ?? new Date() });

    let hosts: TargetHost[];
    try {
      const target = normalizeTarget(scan.target, scan.targetType as never, { maxCidrHosts: Number.MAX_SAFE_INTEGER });
      // The policy is checked again now: DNS may have changed since the scan was created.
      await checkTargetAddresses(target, this.deps.policy, this.deps.resolve);
      hosts = target.hosts;
    } catch (err) {
      if (!(err instanceof TargetInputError)) throw err;
      await this.fail(scanId, err.message);
      return;
    }
    await this.state.apply(scanId, { progress: 10 });

    const findings: NewFinding[] = [];
    const unreachable: string[] = [];
    for (const [i, host] of hosts.entries()) {
      const result = await this.scanHost(host, signal);
      if (result.findings) findings.push(...result.findings);
      else unreachable.push(result.error);
      await this.state.apply(scanId, { progress: 10 + Math.floor((80 * (i + 1)) / hosts.length) });
    }
    if (unreachable.length === hosts.length) {
      await this.fail(scanId, unreachable.length === 1 ? unreachable[0]! : `No host answered: ${unreachable.slice(0, 3).join('; ')}`);
      return;
    }
    const written = await new FindingWriter(this.deps.findingsOrm.em.fork()).record(
      { accountId: scan.accountId, clientId: scan.clientId, scanId },
      findings,
    );
    log.info({ findings: findings.length, written }, 'scan completed');
    await this.state.apply(scanId, { status: 'COMPLETED', progress: 100, completedAt: new Date() });
  }

  /** Fetches the host's first URL that answers and runs the HTTP checks on the response. */
  private async scanHost(host: TargetHost, signal?: AbortSignal): Promise<{ findings: NewFinding[]; error?: never } | { findings?: never; error: string }> {
    let lastError = `${host.hostname} did not answer`;
    for (const url of host.urls) {
      try {
        const res = await safeFetch(url, {
          policy: this.deps.policy,
          resolve: this.deps.resolve,
          timeoutMs: this.deps.fetchTimeoutMs,
          ca: this.deps.ca,
          userAgent: this.deps.userAgent,
          signal,
        });
        return { findings: checkSecurityHeaders(res) };
      } catch (err) {
        lastError = `${url}: ${(err as Error).message}`;
      }
    }
    return { error: lastError };
  }

  private async fail(scanId: string, error: string): Promise<void> {
    await this.state.apply(scanId, { status: 'FAILED', error, completedAt: new Date() });
  }

  /** Marks a scan failed after its last attempt ended in an unexpected error. */
  async giveUp(scanId: string): Promise<void> {
    await this.fail(scanId, 'The scan stopped after repeated internal errors; please retry');
  }
}
