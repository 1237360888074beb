import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { ScanEntity, ScanEventEntity, TERMINAL, type ScanStatus } from '../scan/scan.entity.js';

/** The channel every scans-subgraph replica LISTENs on. Payload: `<scanId>:<eventId>` (ids only). */
export const SCAN_EVENTS_CHANNEL = 'fixfirst_scan_events';

export interface ScanPatch {
  status?: ScanStatus;
  progress?: number;
  error?: string | null;
  startedAt?: Date | null;
  completedAt?: Date | null;
}

/**
 * Writes scan state. Each change updates the scan row, records a ScanEvent (the exact state at
 * that step) and NOTIFYs its ids, all in one transaction, so a subscriber never sees an event
 * before the state it names is committed. Exported for the worker.
 */
export class ScanStateStore {
  constructor(private readonly em: EntityManager) {}

  /** Applies `patch` unless the scan already ended; returns the new event, or null if none. */
  async apply(scanId: string, patch: ScanPatch, opts: { onlyFrom?: ScanStatus[] } = {}): Promise<ScanEventEntity | null> {
    return this.em.fork().transactional(async (em) => {
      const scan = await em.findOne(ScanEntity, { id: scanId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!scan) return null;
      if (TERMINAL.includes(scan.status as ScanStatus)) return null;
      if (opts.onlyFrom && !opts.onlyFrom.includes(scan.status as ScanStatus)) return null;
      if (patch.status !== undefined) scan.status = patch.status;
      if (patch.progress !== undefined) scan.progress = Math.max(0, Math.min(100, Math.round(patch.progress)));
      if (patch.error !== undefined) scan.error = patch.error;
      if (patch.startedAt !== undefined) scan.startedAt = patch.startedAt;
      if (patch.completedAt !== undefined) scan.completedAt = patch.completedAt;
      scan.revision += 1;
      const event = em.create(ScanEventEntity, snapshotOf(scan));
      await em.flush();
      await notify(em, scan.id, event.id);
      return event;
    });
  }

  /** Stores a new scan with its first event (revision 1), inside the caller's transaction. */
  static async insertNew(em: EntityManager, scan: ScanEntity): Promise<void> {
    scan.revision = 1;
    const event = em.create(ScanEventEntity, snapshotOf(scan));
    await em.flush();
    await notify(em, scan.id, event.id);
  }
}

function snapshotOf(scan: ScanEntity) {
  return {
    scanId: scan.id,
    revision: scan.revision,
    status: scan.status,
    progress: scan.progress,
    error: scan.error ?? null,
    startedAt: scan.startedAt ?? null,
    completedAt: scan.completedAt ?? null,
  };
}

async function notify(em: EntityManager, scanId: string, eventId: number): Promise<void> {
  await em.getConnection().execute('select pg_notify(?, ?)', [SCAN_EVENTS_CHANNEL, `${scanId}:${eventId}`], 'all', em.getTransactionContext());
}
