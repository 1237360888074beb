import type { EntityManager } from '@mikro-orm/postgresql';

/** The channel schedulers LISTEN on; the payload is `due:<ISO instant>` (ids only, far below 8 kB). */
export const SCHEDULE_CHANNEL = 'scans_schedule';
/** Only schedules due this soon wake schedulers: later ones are found by a regular tick anyway. */
const WAKE_WITHIN_MS = 60_000;

/**
 * Tells every scheduler that a schedule is due at `at`, so one due within the next minute runs at
 * its time rather than at the next tick. Best effort: a missed notification costs one tick.
 */
export async function notifySchedulers(em: EntityManager, at: Date, now = new Date()): Promise<void> {
  if (at.getTime() - now.getTime() > WAKE_WITHIN_MS) return;
  await em.getConnection().execute('select pg_notify(?, ?)', [SCHEDULE_CHANNEL, `due:${at.toISOString()}`]);
}
