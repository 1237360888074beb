import { cancellable, Wakeup } from '../../../../lib/db/notify-bus.js';
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
export async function scanUpdates(ctx: ScansContext, scanId: string): Promise<AsyncGenerator<ScanUpdate>> {
  // Tenant check before the stream starts: a foreign id is a NOT_FOUND error of the subscribe call.
  const scan = await ctx.scans.get(scanId);
  return cancellable((signal) => updates(ctx, scan, signal));
}

async function* updates(ctx: ScansContext, scan: ScanEntity, signal: AbortSignal): AsyncGenerator<ScanUpdate> {
  const wake = new Wakeup();
  const stop = ctx.bus.listen(scan.id, () => wake.signal());
  try {
    const first = await ctx.scans.latestEvent(scan.id);
    if (!first) return;
    yield { scan: (await ctx.scans.find(scan.id)) ?? scan, event: first };
    let last = first;
    while (!TERMINAL.includes(last.status as ScanStatus)) {
      const events = await ctx.scans.eventsAfter(scan.id, last.revision);
      if (events.length === 0) {
        await wake.wait(signal);
        if (signal.aborted) return;
        continue;
      }
      const row = (await ctx.scans.find(scan.id)) ?? scan;
      for (const event of events) {
        last = event;
        // Findings stream on scanEvents; here the scan's count of them moves with the next step.
        if (event.kind === 'FINDING' && !TERMINAL.includes(event.status as ScanStatus)) continue;
        yield { scan: row, event };
        if (TERMINAL.includes(event.status as ScanStatus)) return;
      }
    }
  } finally {
    stop();
  }
}

/**
 * Every event of a scan from its first, findings included, then each new one as it is recorded,
 * until the scan ends: a late subscriber gets the whole story, a live one each step as it happens.
 */
export async function scanEventStream(ctx: ScansContext, scanId: string): Promise<AsyncGenerator<ScanEventEntity>> {
  const scan = await ctx.scans.get(scanId); // as scanUpdates
  return cancellable((signal) => eventStream(ctx, scan, signal));
}

async function* eventStream(ctx: ScansContext, scan: ScanEntity, signal: AbortSignal): AsyncGenerator<ScanEventEntity> {
  const wake = new Wakeup();
  const stop = ctx.bus.listen(scan.id, () => wake.signal());
  try {
    let revision = 0;
    for (;;) {
      const events = await ctx.scans.eventsAfter(scan.id, revision);
      for (const event of events) {
        yield event;
        revision = event.revision;
        if (TERMINAL.includes(event.status as ScanStatus)) return;
      }
      if (events.length === 0) await wake.wait(signal);
      if (signal.aborted) return;
    }
  } finally {
    stop();
  }
}
