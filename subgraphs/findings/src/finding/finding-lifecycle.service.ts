import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';
import { fingerprintOf, type NewFinding, type ScanOwner } from './finding-writer.service.js';

/** What a scan looked at on one host: the checks whose probes ran there to the end. */
export interface Coverage {
  host: string;
  checkIds: string[];
}

const HISTORY_COLUMNS = '(state_id, account_id, client_id, at, actor_kind, actor, from_status, to_status, note, scan_id)';

/**
 * The life of a client's findings across scans. Exported for the scan worker.
 * - seen: new → open; seen again → last_seen and occurrences move; a fixed one comes back open
 *   with `regressed`; an accepted risk stays accepted until its expiry, then reopens.
 * - a completed scan that covered a check on a host and did not see an open finding of it there
 *   marks it fixed (verified by the scan).
 * Every status change is appended to the audit trail, with the scan as the actor.
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
    await this.em.transactional(async (em) => {
      const conn = em.getConnection();
      const tx = em.getTransactionContext();
      // Lock and read the rows as they were first, so each change can be audited.
      const before = await conn.execute<{ fingerprint: string; status: string }[]>(
        'select fingerprint, status from findings.finding_state where client_id = ? and fingerprint in (?) for update',
        [owner.clientId, unique.map(([fp]) => fp)],
        'all',
        tx,
      );
      const was = new Map(before.map((b) => [b.fingerprint, b.status]));
      const upserted = await conn.execute<{ id: string; fingerprint: string; status: string }[]>(
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
           updated_at = excluded.updated_at
         returning id, fingerprint, status`,
        values,
        'all',
        tx,
      );
      const changed = upserted.map((u) => ({ id: u.id, status: u.status, before: was.get(u.fingerprint) ?? null }));
      const transitions = changed.filter((c) => c.before !== c.status);
      if (transitions.length === 0) return;
      const params: unknown[] = [];
      const history = transitions.map((c) => {
        const note = c.before === null ? 'First seen by a scan' : c.before === 'fixed' ? 'Seen again after it was fixed (regressed)' : 'The accepted risk expired and a scan saw it again';
        params.push(c.id, owner.accountId, owner.clientId, at, 'scanner', owner.scanId, c.before, c.status, note, owner.scanId);
        return '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
      });
      await conn.execute(`insert into findings.finding_history ${HISTORY_COLUMNS} values ${history.join(', ')}`, params, 'all', tx);
    });
  }

  /**
   * After a completed scan: open (or in-progress) findings of the client on a covered host and
   * check that this scan did not see are fixed. Returns how many were marked.
   */
  async verifyFixed(owner: ScanOwner, coverage: Coverage[], at = new Date()): Promise<number> {
    let fixed = 0;
    for (const c of coverage) {
      if (c.checkIds.length === 0) continue;
      fixed += await this.em.transactional(async (em) => {
        const rows = await em.getConnection().execute<{ id: string; before: string }[]>(
          `with target as (
             select id, status from findings.finding_state
             where client_id = ? and host = ? and check_id in (?) and status in ('open', 'in_progress') and last_scan_id <> ?
             for update
           )
           update findings.finding_state s set status = 'fixed', fixed_at = ?, updated_at = ?
           from target where s.id = target.id
           returning s.id, target.status as before`,
          [owner.clientId, c.host.slice(0, 300), c.checkIds, owner.scanId, at, at],
          'all',
          em.getTransactionContext(),
        );
        if (rows.length > 0) {
          const params: unknown[] = [];
          const history = rows.map((r) => {
            params.push(r.id, owner.accountId, owner.clientId, at, 'scanner', owner.scanId, r.before, 'fixed', 'A scan that covered the check no longer saw it (verified fixed)', owner.scanId);
            return '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
          });
          await em.getConnection().execute(`insert into findings.finding_history ${HISTORY_COLUMNS} values ${history.join(', ')}`, params, 'all', em.getTransactionContext());
        }
        return rows.length;
      });
    }
    return fixed;
  }
}
