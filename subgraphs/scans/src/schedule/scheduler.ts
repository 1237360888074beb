import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { MikroORM } from '../../../../lib/db/orm.js';
import { NotifyBus, Wakeup } from '../../../../lib/db/notify-bus.js';
import type { Logger } from '../../../../lib/logger.js';
import { claimDueSchedules, sweepInterrupted, type ClaimedRun } from './schedule-claim.js';
import { startScheduledScan, type ScanDepsFactory } from './schedule-runner.js';
import { SCHEDULE_CHANNEL } from './scheduler-wakeup.js';

export interface SchedulerOptions {
  databaseUrl: string;
  scansOrm: MikroORM;
  depsFor: ScanDepsFactory;
  log: Logger;
  /** Longest wait between two looks at due schedules. */
  tickMs: number;
  /** Schedules claimed per transaction. */
  batch: number;
}

/** A unique name for this scheduler: which machine and process claimed a slot. */
export function schedulerId(): string {
  return `${os.hostname().slice(0, 80)}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * The scheduler loop: every tick (or earlier, when NOTIFY says a schedule is due sooner) it closes
 * interrupted runs, claims due schedules (exactly once across all schedulers, see
 * claimDueSchedules), starts their scans and records its heartbeat. Any number may run, in
 * workers or alone; they share nothing but the database.
 */
export class Scheduler {
  readonly id = schedulerId();
  private readonly wake = new Wakeup();
  private readonly stop = new AbortController();
  private readonly bus: NotifyBus;
  private readonly timers = new Set<NodeJS.Timeout>();
  private loop: Promise<void> | null = null;
  private ticks = 0;

  constructor(private readonly opts: SchedulerOptions) {
    this.bus = new NotifyBus(opts.databaseUrl, SCHEDULE_CHANNEL, opts.log);
  }

  async start(): Promise<void> {
    await this.bus.start();
    this.bus.listen('due', (rest) => this.dueAt(rest));
    const now = new Date();
    await this.opts.scansOrm.em
      .fork()
      .execute('insert into scans.scheduler_instance (id, started_at, last_tick_at, ticks) values (?, ?, ?, 0) on conflict (id) do nothing', [this.id, now, now]);
    this.loop = this.run();
    this.opts.log.info({ scheduler: this.id, tickMs: this.opts.tickMs }, 'scheduler started');
  }

  /** A schedule is due at `iso` (null: notifications may have been missed): wake then. */
  private dueAt(iso: string | null): void {
    const at = iso ? Date.parse(iso) : Date.now();
    const delay = Number.isNaN(at) ? 0 : at - Date.now();
    if (delay <= 0) return this.wake.signal();
    if (delay > 60_000) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.wake.signal();
    }, delay);
    this.timers.add(t);
  }

  private async run(): Promise<void> {
    while (!this.stop.signal.aborted) {
      let full = false;
      try {
        full = await this.tick();
      } catch (err) {
        this.opts.log.error({ scheduler: this.id, err: (err as Error).message }, 'scheduler tick failed');
      }
      if (full || this.stop.signal.aborted) continue; // a full batch: more may be due at once
      const timer = setTimeout(() => this.wake.signal(), this.opts.tickMs);
      await this.wake.wait(this.stop.signal);
      clearTimeout(timer);
    }
  }

  /** One look at due schedules; true when the batch was full. */
  async tick(): Promise<boolean> {
    const em = this.opts.scansOrm.em;
    const interrupted = await sweepInterrupted(em);
    if (interrupted > 0) this.opts.log.warn({ scheduler: this.id, interrupted }, 'closed runs interrupted before their scan started');
    const claimed: ClaimedRun[] = await claimDueSchedules(em, this.id, this.opts.batch);
    for (const run of claimed) await startScheduledScan(this.opts.scansOrm, this.opts.depsFor, run, this.opts.log);
    this.ticks++;
    await em
      .fork()
      .execute(
        `insert into scans.scheduler_instance (id, started_at, last_tick_at, ticks) values (?, now(), now(), ?)
         on conflict (id) do update set last_tick_at = now(), ticks = excluded.ticks`,
        [this.id, this.ticks],
      );
    return claimed.length >= this.opts.batch;
  }

  async close(): Promise<void> {
    this.stop.abort();
    for (const t of this.timers) clearTimeout(t);
    this.wake.signal();
    await this.loop;
    await this.bus.close();
    // Forget this instance, and any that vanished without saying so a day ago.
    await this.opts.scansOrm.em
      .fork()
      .execute(`delete from scans.scheduler_instance where id = ? or last_tick_at < now() - interval '1 day'`, [this.id])
      .catch(() => undefined);
  }
}
