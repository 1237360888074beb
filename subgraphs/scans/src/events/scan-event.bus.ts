import { NotifyBus } from '../../../../lib/db/notify-bus.js';
import type { Logger } from '../../../../lib/logger.js';
import { SCAN_EVENTS_CHANNEL } from './scan-state.store.js';

/** eventId -1 (and no status): events may have been missed while reconnecting; read again. */
type Listener = (eventId: number, status?: string) => void;

/**
 * Scan events for the subscriptions and workers of this process: one LISTEN connection, keyed by
 * scan id. The payload is `<scanId>:<eventId>:<status>`.
 */
export class ScanEventBus {
  private readonly bus: NotifyBus;

  constructor(url: string, log: Logger) {
    this.bus = new NotifyBus(url, SCAN_EVENTS_CHANNEL, log);
  }

  start(): Promise<void> {
    return this.bus.start();
  }

  /** Listens for events of one scan; call the returned function to stop. */
  listen(scanId: string, listener: Listener): () => void {
    return this.bus.listen(scanId, (rest) => {
      if (rest === null) return listener(-1);
      const [eventId, status] = rest.split(':');
      listener(Number(eventId), status);
    });
  }

  ready(): Promise<boolean> {
    return this.bus.ready();
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}
