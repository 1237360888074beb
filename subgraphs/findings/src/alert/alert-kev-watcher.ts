import pg from 'pg';
import { FINDING_CHANGES_CHANNEL } from '../finding/finding-score.repository.js';
import type { Logger } from '../../../../lib/logger.js';
import type { AlertEvaluator, ClientNamer, NewDelivery } from './alert-evaluator.js';
import { messageOf } from './alert-evaluator.js';
import type { Sql } from './alert-queue.js';

const CURSOR = 'kev_added';
const BATCH = 2000;

interface ChangeRow {
  id: string;
  account_id: string;
  client_id: string;
  finding_id: string;
  feed: string;
  at: Date;
  kev_before: boolean;
  kev_after: boolean;
}

/**
 * "Newly in CISA KEV after a feed update": reads findings.finding_change past a shared cursor and
 * turns its KEV_ADDED rows into one message per client per feed load. The cursor row is taken
 * with FOR UPDATE SKIP LOCKED, and the deliveries, their jobs and the cursor's advance commit
 * together, so each change is handled exactly once however many workers run (a worker that finds
 * the row locked leaves the work to its holder).
 */
export class KevAlertConsumer {
  constructor(
    private readonly pool: pg.Pool,
    private readonly evaluator: AlertEvaluator,
    private readonly clientName: ClientNamer,
    private readonly maxListed: number,
  ) {}

  /** Handles every change recorded so far; returns the messages queued. */
  async drain(): Promise<number> {
    let queued = 0;
    for (;;) {
      const { done, messages } = await this.step();
      queued += messages;
      if (done) return queued;
    }
  }

  private async step(): Promise<{ done: boolean; messages: number }> {
    const client = await this.pool.connect();
    const db: Sql = { executeSql: (text, values) => client.query(text, values) };
    try {
      await client.query('begin');
      const cur = await client.query<{ last_id: string }>('select last_id from findings.alert_cursor where name = $1 for update skip locked', [CURSOR]);
      if (cur.rows.length === 0) {
        await client.query('commit');
        return { done: true, messages: 0 };
      }
      const changes = (
        await client.query<ChangeRow>(
          'select id, account_id, client_id, finding_id, feed, at, kev_before, kev_after from findings.finding_change where id > $1 order by id limit $2',
          [cur.rows[0]!.last_id, BATCH],
        )
      ).rows;
      if (changes.length === 0) {
        await client.query('commit');
        return { done: true, messages: 0 };
      }
      // One feed load writes its changes with one `at` (the loading transaction's now()).
      const groups = new Map<string, ChangeRow[]>();
      for (const c of changes.filter((c) => !c.kev_before && c.kev_after)) {
        const key = `${c.client_id}|${c.feed}|${c.at.toISOString()}`;
        groups.set(key, [...(groups.get(key) ?? []), c]);
      }
      const deliveries: NewDelivery[] = [];
      for (const group of groups.values()) {
        const first = group[0]!;
        const channels = (await this.evaluator.channelsOf(first.account_id, first.client_id)).filter((c) => c.kev_after_feed_update);
        if (channels.length === 0) continue;
        const items = (await this.evaluator.findings(group.map((c) => c.finding_id), db)).map((i) => ({ ...i, kev: true }));
        if (items.length === 0) continue;
        const message = messageOf(
          {
            event: 'KEV_ADDED',
            clientId: first.client_id,
            clientName: await this.clientName(first.account_id, first.client_id),
            scan: null,
            feed: { name: first.feed, loadedAt: first.at.toISOString() },
            at: new Date().toISOString(),
          },
          items,
          this.maxListed,
        );
        for (const channel of channels) deliveries.push({ channel, eventKey: `kev:${first.id}`, message });
      }
      const messages = await this.evaluator.record(deliveries, db);
      await client.query('update findings.alert_cursor set last_id = $2, updated_at = now() where name = $1', [CURSOR, changes.at(-1)!.id]);
      await client.query('commit');
      return { done: changes.length < BATCH, messages };
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}

/**
 * Wakes `onWake` on every NOTIFY of finding changes (any account) and every `pollSeconds`, one
 * run at a time; a missed notification (a reconnect) is caught by the poll.
 */
export function watchChanges(databaseUrl: string, pollSeconds: number, log: Logger, onWake: () => Promise<void>): { close(): Promise<void> } {
  let closed = false;
  let running: Promise<void> | null = null;
  let again = false;
  let listener: pg.Client | null = null;
  const wake = (): void => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = onWake()
      .catch((err: unknown) => log.error({ err: (err as Error).message }, 'alert watcher run failed'))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          wake();
        }
      });
  };
  const listen = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: databaseUrl });
    c.on('notification', wake);
    c.on('error', (err) => {
      log.warn({ err: err.message }, 'alert watcher lost its LISTEN connection; polling until it is back');
      listener = null;
      void c.end().catch(() => undefined);
      if (!closed) setTimeout(() => void listen().catch(() => undefined), 1000);
    });
    await c.connect();
    await c.query(`listen ${FINDING_CHANGES_CHANNEL}`);
    listener = c;
    wake();
  };
  void listen().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'alert watcher could not LISTEN; polling'));
  const timer = setInterval(wake, pollSeconds * 1000);
  timer.unref();
  wake();
  return {
    close: async () => {
      closed = true;
      clearInterval(timer);
      await listener?.end().catch(() => undefined);
      await running;
    },
  };
}
