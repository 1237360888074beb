import pg from 'pg';
import type { Logger } from '../../../../lib/logger.js';
import { SCAN_EVENTS_CHANNEL } from './scan-state.store.js';

/** eventId -1 (and no status): events may have been missed while reconnecting; read again. */
type Listener = (eventId: number, status?: string) => void;

/**
 * One LISTEN connection per scans-subgraph replica, fanned out to the subscriptions of this
 * process. Workers on any machine NOTIFY; every replica hears it. Reconnects with backoff; after
 * a reconnect each listener is told (eventId -1) to re-read what it may have missed.
 */
export class ScanEventBus {
  private readonly listeners = new Map<string, Set<Listener>>();
  private client: pg.Client | null = null;
  private closed = false;
  private retryMs = 250;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (msg) => {
      if (msg.channel !== SCAN_EVENTS_CHANNEL || !msg.payload) return;
      const [scanId = '', eventId, status] = msg.payload.split(':');
      for (const l of this.listeners.get(scanId) ?? []) l(Number(eventId), status);
    });
    client.on('error', (err) => {
      this.log.warn({ err: err.message }, 'scan event listener lost its connection');
      void this.reconnect(client);
    });
    await client.connect();
    await client.query(`listen ${SCAN_EVENTS_CHANNEL}`);
    this.client = client;
    this.retryMs = 250;
  }

  private async reconnect(broken: pg.Client): Promise<void> {
    if (this.closed || this.client !== broken) return;
    this.client = null;
    await broken.end().catch(() => undefined);
    while (!this.closed) {
      await new Promise((r) => setTimeout(r, this.retryMs));
      this.retryMs = Math.min(this.retryMs * 2, 5000);
      try {
        await this.connect();
        for (const set of this.listeners.values()) for (const l of set) l(-1);
        return;
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'scan event listener reconnect failed');
      }
    }
  }

  /** Listens for events of one scan; call the returned function to stop. */
  listen(scanId: string, listener: Listener): () => void {
    let set = this.listeners.get(scanId);
    if (!set) this.listeners.set(scanId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(scanId);
    };
  }

  async ready(): Promise<boolean> {
    if (!this.client) return false;
    await this.client.query('select 1');
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }
}
