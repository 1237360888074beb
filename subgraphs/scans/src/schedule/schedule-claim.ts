import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';
import type { Frequency } from './schedule.entity.js';
import { dueSlot } from './schedule-slots.js';

/** A schedule row as the claim reads it (snake_case straight from SQL). */
interface DueRow {
  id: string;
  account_id: string;
  client_id: string;
  target: string;
  target_type: 'IP' | 'DOMAIN' | 'URL' | 'CIDR';
  profile: 'LIGHT' | 'STANDARD' | 'AGGRESSIVE';
  mode: 'PASSIVE' | 'ACTIVE';
  frequency: Frequency;
  cron: string | null;
  time_zone: string;
  time_of_day: string;
  weekday: number;
  day_of_month: number;
  next_run_at: Date;
  created_by: string;
  authorised_by: string | null;
  authorisation_statement: string | null;
  db_now: Date;
}

/** One slot this scheduler won: its run row exists (PENDING) and the schedule has moved on. */
export interface ClaimedRun {
  runId: string;
  slot: Date;
  schedule: {
    id: string;
    accountId: string;
    clientId: string;
    target: string;
    targetType: DueRow['target_type'];
    profile: DueRow['profile'];
    mode: DueRow['mode'];
    createdBy: string;
    authorisedBy: string | null;
    authorisationStatement: string | null;
  };
}

/** A claimed run left PENDING this long was claimed by a scheduler that stopped before starting its scan. */
export const PENDING_LEASE_SECONDS = 600;

/**
 * Claims up to `limit` due schedules, once across every scheduler: in one transaction the due rows
 * are locked with FOR UPDATE SKIP LOCKED (another scheduler skips them rather than waits), each
 * gets its run row for the slot (the unique (schedule_id, slot) refuses a second) and its
 * next_run_at moves past now. "Due" is judged by the database's clock, so schedulers on machines
 * whose clocks disagree still agree. After downtime only the latest missed slot runs.
 */
export async function claimDueSchedules(em: EntityManager, claimer: string, limit: number): Promise<ClaimedRun[]> {
  return em.fork().transactional(async (tx) => {
    const due = await tx.execute<DueRow[]>(
      `select id, account_id, client_id, target, target_type, profile, mode, frequency, cron, time_zone, time_of_day, weekday,
              day_of_month, next_run_at, created_by, authorised_by, authorisation_statement, now() as db_now
         from scans.schedule
        where not paused and deleted_at is null and next_run_at <= now()
        order by next_run_at
        limit ?
        for update skip locked`,
      [limit],
    );
    const claimed: ClaimedRun[] = [];
    for (const row of due) {
      const spec = {
        frequency: row.frequency,
        cron: row.cron,
        timeZone: row.time_zone,
        timeOfDay: row.time_of_day,
        weekday: row.weekday,
        dayOfMonth: row.day_of_month,
      };
      const now = new Date(row.db_now);
      // Slots are whole seconds (croner's are whole minutes): a next_run_at edited by hand with
      // microseconds must still meet the unique (schedule_id, slot) of the same slot.
      const due = new Date(Math.floor(new Date(row.next_run_at).getTime() / 1000) * 1000);
      const { slot, next } = dueSlot(spec, due, now);
      const inserted = await tx.execute<{ id: string }[]>(
        `insert into scans.schedule_run (id, schedule_id, account_id, client_id, slot, outcome, claimed_by, claimed_at)
         values (?, ?, ?, ?, ?, 'PENDING', ?, ?)
         on conflict (schedule_id, slot) do nothing
         returning id`,
        [uuidv7(), row.id, row.account_id, row.client_id, slot, claimer, now],
      );
      // A spec that never matches again (a cron for a date that has passed) pauses the schedule.
      await tx.execute(
        `update scans.schedule set next_run_at = ?, last_run_at = ?, paused = paused or ?, updated_at = ? where id = ?`,
        [next ?? slot, slot, next === null, now, row.id],
      );
      if (inserted.length === 0) continue;
      claimed.push({
        runId: inserted[0]!.id,
        slot,
        schedule: {
          id: row.id,
          accountId: row.account_id,
          clientId: row.client_id,
          target: row.target,
          targetType: row.target_type,
          profile: row.profile,
          mode: row.mode,
          createdBy: row.created_by,
          authorisedBy: row.authorised_by,
          authorisationStatement: row.authorisation_statement,
        },
      });
    }
    return claimed;
  });
}

/** What became of a claimed run. */
export interface RunResult {
  outcome: 'STARTED' | 'SKIPPED' | 'FAILED';
  scanId?: string | null;
  reason?: string | null;
  detail?: string | null;
  quota?: Record<string, unknown> | null;
}

/** Records a run's outcome; only a PENDING run changes (the sweep may have closed it meanwhile). */
export async function finishRun(em: EntityManager, runId: string, result: RunResult): Promise<void> {
  await em.fork().execute(
    `update scans.schedule_run set outcome = ?, scan_id = ?, reason = ?, detail = ?, quota = ?, finished_at = now()
      where id = ? and outcome = 'PENDING'`,
    [result.outcome, result.scanId ?? null, result.reason ?? null, result.detail?.slice(0, 2000) ?? null, result.quota ? JSON.stringify(result.quota) : null, runId],
  );
}

/**
 * Closes runs whose scheduler stopped between claiming and starting the scan: FAILED, reason
 * INTERRUPTED. The slot is not retried: a scheduler that died after creating the scan but before
 * recording it would otherwise run the slot twice (at most once, never twice, and never silently).
 */
export async function sweepInterrupted(em: EntityManager): Promise<number> {
  const rows = await em.fork().execute<{ id: string }[]>(
    `update scans.schedule_run set outcome = 'FAILED', reason = 'INTERRUPTED',
            detail = 'The scheduler stopped before this run started its scan; the slot is not retried', finished_at = now()
      where outcome = 'PENDING' and claimed_at < now() - make_interval(secs => ?)
      returning id`,
    [PENDING_LEASE_SECONDS],
  );
  return rows.length;
}
