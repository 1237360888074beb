import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';
import { fingerprintOf, type NewFinding, type ScanOwner } from './finding-writer.service.js';

/** What a scan looked at on one host: the checks whose probes ran there to the end. */
export interface Coverage {
  host: string;
  checkIds: string[];
}

/**
 * The life of a client's findings across scans. Exported for the scan worker.
 * - seen: new → open; seen again → last_seen and occurrences move; a fixed one comes back open
 *   with `regressed`; an accepted risk stays accepted until its expiry, then reopens.
 * - a completed scan that covered a check on a host and did not see an open finding of it there
 *   marks it fixed (verified by the scan).
 */
export class FindingLifecycle {
  constructor(private readonly em: EntityManager) {}

  /** Records sightings of this scan (idempotent per scan: a retried job counts once). */
  async seen(owner: ScanOwner, findings: NewFinding[], at = new Date()): Promise<void> {
    const unique = [...new Map(findings.map((f) => [fingerprintOf(f), f])).entries()];
    if (unique.length === 0) return;
    const values: unknown[] = [];
    const rows = unique.map(([fingerprint, f]) => {
      values.push(uuidv7(), owner.accountId, owner.clientId, fingerprint, f.checkId, (f.host ?? f.target).slice(0, 300), at, at, owner.scanId, at);
      return "(?, ?, ?, ?, ?, ?, 'open', ?, ?, 1, ?, ?)";
    });
    await this.em.getConnection().execute(
      `insert into findings.finding_state as s (id, account_id, client_id, fingerprint, check_id, host, status, first_seen, last_seen, occurrences, last_scan_id, updated_at)
       values ${rows.join(', ')}
       on conflict (client_id, fingerprint) do update set
         last_seen = greatest(s.last_seen, excluded.last_seen),
         occurrences = s.occurrences + case when s.last_scan_id = excluded.last_scan_id then 0 else 1 end,
         last_scan_id = excluded.last_scan_id,
         regressed = s.regressed or s.status = 'fixed',
         status = case
           when s.status = 'fixed' then 'open'
           when s.status = 'accepted_risk' and s.accepted_until is not null and s.accepted_until <= excluded.last_seen then 'open'
           else s.status end,
         fixed_at = case when s.status = 'fixed' then null else s.fixed_at end,
         accepted_until = case when s.status = 'accepted_risk' and s.accepted_until is not null and s.accepted_until <= excluded.last_seen then null else s.accepted_until end,
         updated_at = excluded.updated_at`,
      values,
    );
  }

  /**
   * After a completed scan: open (or in-progress) findings of the client on a covered host and
   * check that this scan did not see are fixed. Returns how many were marked.
   */
  async verifyFixed(owner: ScanOwner, coverage: Coverage[], at = new Date()): Promise<number> {
    let fixed = 0;
    for (const c of coverage) {
      if (c.checkIds.length === 0) continue;
      const rows = await this.em.getConnection().execute<{ id: string }[]>(
        `update findings.finding_state set status = 'fixed', fixed_at = ?, updated_at = ?
         where client_id = ? and host = ? and check_id in (?) and status in ('open', 'in_progress') and last_scan_id <> ?
         returning id`,
        [at, at, owner.clientId, c.host.slice(0, 300), c.checkIds, owner.scanId],
      );
      fixed += rows.length;
    }
    return fixed;
  }
}
