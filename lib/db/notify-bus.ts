import pg from 'pg';
import type { Logger } from '../logger.js';

/** `rest` is the payload after `<key>:`; null: notifications may have been missed while reconnecting. */
export type NotifyListener = (rest: string | null) => void;

/**
 * One LISTEN connection per process for one channel, fanned out to listeners by the payload's key
 * (the text before its first `:`). Writers on any machine NOTIFY; every process hears it.
 * Reconnects with backoff; after a reconnect each listener is told (null) to re-read what it may
 * have missed, so listeners treat a notification as a wake-up and read their state from tables.
 */
export class NotifyBus {
  private readonly listeners = new Map<string, Set<NotifyListener>>();
  private client: pg.Client | null = null;
  private closed = false;
  private retryMs = 250;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly log: Logger,
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a plain channel name: ${channel}`);
  }

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (msg) => {
      if (msg.channel !== this.channel || !msg.payload) return;
      const colon = msg.payload.indexOf(':');
      const key = colon < 0 ? msg.payload : msg.payload.slice(0, colon);
      const rest = colon < 0 ? '' : msg.payload.slice(colon + 1);
      for (const l of this.listeners.get(key) ?? []) l(rest);
    });
    client.on('error', (err) => {
      this.log.warn({ err: err.message, channel: this.channel }, 'notification listener lost its connection');
      void this.reconnect(client);
    });
    await client.connect();
    await client.query(`listen ${this.channel}`);
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
        for (const set of this.listeners.values()) for (const l of set) l(null);
        return;
      } catch (err) {
        this.log.warn({ err: (err as Error).message, channel: this.channel }, 'notification listener reconnect failed');
      }
    }
  }

  /** Listens for notifications of one key; call the returned function to stop. */
  listen(key: string, listener: NotifyListener): () => void {
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(key);
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

/** A level-triggered signal: wait() returns at once if signalled since the last wait. */
export class Wakeup {
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

  /** Resolves on the next signal, or at once when `signal` is (or becomes) aborted. */
  wait(signal?: AbortSignal): Promise<void> {
    if (this.pending || signal?.aborted) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((r) => {
      const onAbort = (): void => this.signal();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.resolve = () => {
        signal?.removeEventListener('abort', onAbort);
        r();
      };
    });
  }
}

/**
 * An async generator whose return() reaches it even while it awaits: graphql-ws calls return()
 * when a client unsubscribes or disconnects, but a plain generator parked in `await wake.wait()`
 * would only see that at its next yield (perhaps never), keeping its listener for good. Here
 * return() first aborts `signal`, which ends the wait; the generator then returns and its
 * `finally` releases what it holds.
 */
export function cancellable<T>(run: (signal: AbortSignal) => AsyncGenerator<T>): AsyncGenerator<T> {
  const ac = new AbortController();
  const inner = run(ac.signal);
  const outer: AsyncGenerator<T> = {
    next: (...args) => inner.next(...args),
    return: (value) => {
      ac.abort();
      return inner.return(value);
    },
    throw: (err) => {
      ac.abort();
      return inner.throw(err);
    },
    [Symbol.asyncIterator]: () => outer,
    [Symbol.asyncDispose]: async () => {
      await outer.return(undefined);
    },
  };
  return outer;
}
