import type { ScansContext } from '../context.js';
import { TERMINAL, type ScanEntity, type ScanEventEntity, type ScanStatus } from './scan.entity.js';

/** What the subscription yields: the scan row and the event it is seen as of. */
export interface ScanUpdate {
  scan: ScanEntity;
  event: ScanEventEntity;
}

/**
 * Every state of a scan, in order, from its current one: listen first, then read the newest
 * event, then deliver each later event exactly once. Ends after a terminal state, so a client that
 * subscribes late (or reconnects) always sees the end.
 */
export async function* scanUpdates(ctx: ScansContext, scanId: string): AsyncGenerator<ScanUpdate> {
  const scan = await ctx.scans.get(scanId); // tenant check: a foreign id is NOT_FOUND
  const wake = new Wakeup();
  const stop = ctx.bus.listen(scan.id, () => wake.signal());
  try {
    const first = await ctx.scans.latestEvent(scan.id);
    if (!first) return;
    yield { scan: (await ctx.scans.find(scan.id)) ?? scan, event: first };
    let last = first;
    while (!TERMINAL.includes(last.status as ScanStatus)) {
      await wake.wait();
      const events = await ctx.scans.eventsAfter(scan.id, last.revision);
      if (events.length === 0) continue;
      const row = (await ctx.scans.find(scan.id)) ?? scan;
      for (const event of events) {
        yield { scan: row, event };
        last = event;
        if (TERMINAL.includes(event.status as ScanStatus)) return;
      }
    }
  } finally {
    stop();
  }
}

/** A level-triggered signal: wait() returns at once if signalled since the last wait. */
class Wakeup {
  private pending = false;
  private resolve: (() => void) | null = null;

  signal(): void {
    if (this.resolve) {
      const r = this.resolve;
      this.resolve = null;
      r();
    } else {
      this.pending = true;
    }
  }

  wait(): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((r) => (this.resolve = r));
  }
}
