import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { ScanEntity, ScanEventEntity, TERMINAL, type ScanEventKind, type ScanStatus } from '../scan/scan.entity.js';

/** The channel every scans-subgraph replica and worker LISTENs on. Payload: `<scanId>:<eventId>:<status>`. */
export const SCAN_EVENTS_CHANNEL = 'fixfirst_scan_events';

export interface ScanPatch {
  status?: ScanStatus;
  progress?: number;
  error?: string | null;
  startedAt?: Date | null;
  completedAt?: Date | null;
  stats?: Record<string, unknown> | null;
}

/** A probe starting or finishing on a host, recorded with the state change (if any). */
export interface ScanActivity {
  kind: Exclude<ScanEventKind, 'STATUS' | 'FINDING'>;
  checkId: string;
  host: string;
  /** CHECK_FINISHED: the probe's error, if it failed. */
  detail?: string | null;
}

/** A finding just recorded, announced as a FINDING event. */
export interface FoundFinding {
  id: string;
  checkId: string;
  severity: string;
  title: string;
}

/**
 * Writes scan state. Each change updates the scan row, records a ScanEvent (the exact state at
 * that step) and NOTIFYs its ids, all in one transaction, so a subscriber never sees an event
 * before the state it names is committed. Exported for the worker.
 */
export class ScanStateStore {
  constructor(private readonly em: EntityManager) {}

  /** Applies `patch` unless the scan already ended; returns the new event, or null if none. */
  async apply(scanId: string, patch: ScanPatch, opts: { onlyFrom?: ScanStatus[]; activity?: ScanActivity } = {}): Promise<ScanEventEntity | null> {
    return this.em.fork().transactional(async (em) => {
      const scan = await em.findOne(ScanEntity, { id: scanId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!scan) return null;
      if (TERMINAL.includes(scan.status as ScanStatus)) return null;
      if (opts.onlyFrom && !opts.onlyFrom.includes(scan.status as ScanStatus)) return null;
      if (patch.status !== undefined) scan.status = patch.status;
      if (patch.progress !== undefined) {
        const progress = Math.max(0, Math.min(100, Math.round(patch.progress)));
        // Probes finish concurrently: within one status, progress only moves forward.
        scan.progress = patch.status === undefined || patch.status === scan.status ? Math.max(scan.progress, progress) : progress;
      }
      if (patch.error !== undefined) scan.error = patch.error;
      if (patch.startedAt !== undefined) scan.startedAt = patch.startedAt;
      if (patch.completedAt !== undefined) scan.completedAt = patch.completedAt;
      if (patch.stats !== undefined) scan.stats = patch.stats;
      scan.revision += 1;
      const a = opts.activity;
      const event = em.create(ScanEventEntity, {
        ...snapshotOf(scan),
        ...(a ? { kind: a.kind, checkId: a.checkId, host: a.host.slice(0, 300), detail: a.detail ?? null } : {}),
      });
      await em.flush();
      await notify(em, scan.id, event.id, scan.status);
      return event;
    });
  }

  /**
   * Announces findings just recorded: one FINDING event each, in one transaction, and bumps the
   * scan's count. Nothing happens once the scan has ended (a late retry after a cancel).
   */
  async recordFindings(scanId: string, found: FoundFinding[]): Promise<void> {
    if (found.length === 0) return;
    await this.em.fork().transactional(async (em) => {
      const scan = await em.findOne(ScanEntity, { id: scanId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!scan || TERMINAL.includes(scan.status as ScanStatus)) return;
      let last: ScanEventEntity | null = null;
      for (const f of found) {
        scan.revision += 1;
        scan.findingsCount += 1;
        last = em.create(ScanEventEntity, {
          ...snapshotOf(scan),
          kind: 'FINDING',
          checkId: f.checkId,
          findingId: f.id,
          severity: f.severity,
          title: f.title.slice(0, 300),
        });
      }
      await em.flush();
      await notify(em, scan.id, last!.id, scan.status);
    });
  }

  /** Stores a new scan with its first event (revision 1), inside the caller's transaction. */
  static async insertNew(em: EntityManager, scan: ScanEntity): Promise<void> {
    scan.revision = 1;
    const event = em.create(ScanEventEntity, snapshotOf(scan));
    await em.flush();
    await notify(em, scan.id, event.id, scan.status);
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
    findingsCount: scan.findingsCount ?? 0,
  };
}

async function notify(em: EntityManager, scanId: string, eventId: number, status: string): Promise<void> {
  // The status rides along so a worker hears a cancellation without reading the scan back.
  await em.getConnection().execute('select pg_notify(?, ?)', [SCAN_EVENTS_CHANNEL, `${scanId}:${eventId}:${status}`], 'all', em.getTransactionContext());
}
