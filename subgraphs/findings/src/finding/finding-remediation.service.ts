import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';
import type { Identity } from '../../../../lib/auth/identity.js';
import { requireScope, tenantOf } from '../../../../lib/auth/tenant.js';
import { BadUserInputError, ConflictError, NotFoundError } from '../../../../lib/errors.js';
import type { FindingEntity } from './finding.entity.js';
import { FindingRepository } from './finding.repository.js';
import type { FindingStatus } from './finding-state.entity.js';

/** Which status may follow which, by hand. A scan moves findings too (see FindingLifecycle). */
export const ALLOWED_TRANSITIONS: Record<FindingStatus, readonly FindingStatus[]> = {
  open: ['in_progress', 'fixed', 'accepted_risk'],
  in_progress: ['open', 'fixed', 'accepted_risk'],
  // A fixed finding can only be reopened; a scan reopens it by itself when it comes back.
  fixed: ['open'],
  accepted_risk: ['open', 'in_progress', 'fixed'],
};

export interface RemediateCommand {
  id: string;
  status: FindingStatus;
  note?: string | null;
  /** accepted_risk only: when the acceptance lapses and the finding reopens. */
  acceptedUntil?: Date | null;
  /** Who made the change, as the caller names them (a person, a ticket system). */
  updatedBy?: string | null;
}

/** Changes a finding's status by hand, within the allowed transitions, and appends it to the audit trail. */
export class FindingRemediationService {
  private readonly repo: FindingRepository;

  constructor(
    private readonly em: EntityManager,
    private readonly identity: Identity,
  ) {
    this.repo = new FindingRepository(em, tenantOf(identity));
  }

  async remediate(cmd: RemediateCommand, now = new Date()): Promise<FindingEntity> {
    requireScope(this.identity, 'findings:write');
    const note = cmd.note?.trim() || null;
    const updatedBy = cmd.updatedBy?.trim() || null;
    const issues: { field: string; message: string }[] = [];
    if (note && note.length > 4000) issues.push({ field: 'note', message: 'note is longer than 4000 characters' });
    if (updatedBy && updatedBy.length > 200) issues.push({ field: 'updatedBy', message: 'updatedBy is longer than 200 characters' });
    if (cmd.status === 'accepted_risk' && !note) issues.push({ field: 'note', message: 'accepting a risk needs a note saying why' });
    if (cmd.acceptedUntil && cmd.status !== 'accepted_risk') issues.push({ field: 'acceptedUntil', message: 'acceptedUntil applies to accepted_risk only' });
    if (cmd.acceptedUntil && cmd.acceptedUntil <= now) issues.push({ field: 'acceptedUntil', message: 'acceptedUntil must be in the future' });
    if (issues.length > 0) throw new BadUserInputError(issues);

    const finding = await this.repo.findById(cmd.id);
    if (!finding) throw new NotFoundError('Finding');
    await this.em.fork().transactional(async (em) => {
      const conn = em.getConnection();
      const ctx = em.getTransactionContext();
      // Findings recorded before lifecycle tracking have no state yet: they start open.
      await conn.execute(
        `insert into findings.finding_state (id, account_id, client_id, fingerprint, check_id, host, status, first_seen, last_seen, occurrences, last_scan_id, updated_at)
         values (?, ?, ?, ?, ?, ?, 'open', ?, ?, 1, ?, ?) on conflict (client_id, fingerprint) do nothing`,
        [uuidv7(), finding.accountId, finding.clientId, finding.fingerprint, finding.checkId, (finding.host ?? finding.target).slice(0, 300), finding.createdAt, finding.createdAt, finding.scanId, now],
        'all',
        ctx,
      );
      const [state] = await conn.execute<{ id: string; status: FindingStatus; accepted_until: Date | null }[]>(
        'select id, status, accepted_until from findings.finding_state where client_id = ? and fingerprint = ? for update',
        [finding.clientId, finding.fingerprint],
        'all',
        ctx,
      );
      const from: FindingStatus = state!.status === 'accepted_risk' && state!.accepted_until && state!.accepted_until <= now ? 'open' : state!.status;
      if (from === cmd.status) throw new ConflictError(`The finding is already ${from}`);
      if (!ALLOWED_TRANSITIONS[from].includes(cmd.status)) {
        throw new BadUserInputError([
          { field: 'status', message: `A finding that is ${from} cannot become ${cmd.status}; allowed: ${ALLOWED_TRANSITIONS[from].join(', ')}` },
        ]);
      }
      await conn.execute(
        `update findings.finding_state set status = ?, updated_at = ?,
           fixed_at = case when ? = 'fixed' then ?::timestamptz else null end,
           accepted_until = ?::timestamptz
         where id = ?`,
        [cmd.status, now, cmd.status, now, cmd.status === 'accepted_risk' ? (cmd.acceptedUntil ?? null) : null, state!.id],
        'all',
        ctx,
      );
      await conn.execute(
        `insert into findings.finding_history (state_id, account_id, client_id, at, actor_kind, actor, updated_by, from_status, to_status, note, scan_id)
         values (?, ?, ?, ?, 'user', ?, ?, ?, ?, ?, null)`,
        [state!.id, finding.accountId, finding.clientId, now, this.identity.credentialId, updatedBy, from, cmd.status, note],
        'all',
        ctx,
      );
    });
    return finding;
  }
}
