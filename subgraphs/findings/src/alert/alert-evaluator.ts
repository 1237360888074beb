import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { uuidv7 } from 'uuidv7';
import type { Severity } from '../finding/finding.entity.js';
import type { AlertSettings } from './alert.env.js';
import { byUrgency, headline, type AlertItem, type AlertMessage } from './alert-message.js';
import { enqueueDelivery, type ScanOutcome, type Sql } from './alert-queue.js';

/** A channel's rules, as the evaluation reads them. */
export interface ChannelRules {
  id: string;
  account_id: string;
  client_id: string;
  kev_alerts: boolean;
  critical_alerts: boolean;
  high_alerts: boolean;
  new_finding: boolean;
  regression: boolean;
  scan_failed: boolean;
  kev_after_feed_update: boolean;
}

/** A message to record for one channel under one event key. */
export interface NewDelivery {
  channel: ChannelRules;
  eventKey: string;
  message: AlertMessage;
}

/** The client's display name (the clients module answers it). */
export type ClientNamer = (accountId: string, clientId: string) => Promise<string>;

interface FindingRow {
  id: string;
  scan_id: string;
  severity: Severity;
  title: string;
  target: string;
  location: string | null;
  kev_flagged: boolean;
  cve_ids: string[];
  fingerprint: string;
}

const FINDING_COLUMNS = 'id, scan_id, severity, title, target, location, kev_flagged, cve_ids, fingerprint';

export function toItem(f: FindingRow, isNew = false, regressed = false): AlertItem {
  return { findingId: f.id, scanId: f.scan_id, severity: f.severity, title: f.title, target: f.target, location: f.location, kev: f.kev_flagged, cveIds: f.cve_ids, isNew, regressed };
}

/** Whether a channel's rules pick this finding of an ended scan. */
export function matches(c: ChannelRules, i: AlertItem): boolean {
  return (
    (c.kev_alerts && i.kev) ||
    (c.critical_alerts && i.severity === 'CRITICAL') ||
    (c.high_alerts && i.severity === 'HIGH') ||
    (c.new_finding && i.isNew) ||
    (c.regression && i.regressed)
  );
}

/** A message listing the most urgent `maxListed` of `all` and counting the rest. */
export function messageOf(base: Omit<AlertMessage, 'items' | 'total'>, all: AlertItem[], maxListed: number): AlertMessage {
  const sorted = [...all].sort(byUrgency);
  return { ...base, items: sorted.slice(0, maxListed), total: all.length };
}

/**
 * Turns events into deliveries: one message per channel per scan (all its matching findings) or
 * per client per KEV feed load. Recording a delivery and queueing its job happen in one
 * transaction; the (channel, event key) key makes a re-run of the same event a no-op.
 */
export class AlertEvaluator {
  constructor(
    private readonly pool: pg.Pool,
    private readonly boss: PgBoss,
    private readonly settings: AlertSettings,
    private readonly clientName: ClientNamer,
  ) {}

  async channelsOf(accountId: string, clientId: string): Promise<ChannelRules[]> {
    const r = await this.pool.query<ChannelRules>(
      'select id, account_id, client_id, kev_alerts, critical_alerts, high_alerts, new_finding, regression, scan_failed, kev_after_feed_update from findings.alert_channel where account_id = $1 and client_id = $2 and enabled',
      [accountId, clientId],
    );
    return r.rows;
  }

  /** An ended scan: one message per channel listing the scan's matching findings, or its failure. */
  async scanEnded(o: ScanOutcome): Promise<number> {
    const channels = await this.channelsOf(o.accountId, o.clientId);
    if (channels.length === 0) return 0;
    const base = { clientId: o.clientId, clientName: await this.clientName(o.accountId, o.clientId), scan: { id: o.scanId, target: o.target, status: o.status, error: o.error }, feed: null, at: new Date().toISOString() };
    if (o.status === 'FAILED') {
      const message: AlertMessage = { ...base, event: 'SCAN_FAILED', items: [], total: 0 };
      return this.record(channels.filter((c) => c.scan_failed).map((channel) => ({ channel, eventKey: `scan-failed:${o.scanId}`, message })));
    }
    const findings = await this.pool.query<FindingRow>(`select ${FINDING_COLUMNS} from findings.finding where scan_id = $1 and client_id = $2`, [o.scanId, o.clientId]);
    // The lifecycle's audit trail says what this scan saw for the first time, or saw come back.
    const firsts = await this.pool.query<{ fingerprint: string; from_status: string | null }>(
      `select s.fingerprint, h.from_status from findings.finding_history h join findings.finding_state s on s.id = h.state_id
        where h.scan_id = $1 and h.client_id = $2 and h.actor_kind = 'scanner' and (h.from_status is null or h.from_status = 'fixed')`,
      [o.scanId, o.clientId],
    );
    const isNew = new Set(firsts.rows.filter((r) => r.from_status === null).map((r) => r.fingerprint));
    const regressed = new Set(firsts.rows.filter((r) => r.from_status === 'fixed').map((r) => r.fingerprint));
    const items = findings.rows.map((f) => toItem(f, isNew.has(f.fingerprint), regressed.has(f.fingerprint)));
    const deliveries: NewDelivery[] = [];
    for (const channel of channels) {
      const picked = items.filter((i) => matches(channel, i));
      if (picked.length) deliveries.push({ channel, eventKey: `scan:${o.scanId}`, message: messageOf({ ...base, event: 'SCAN_FINDINGS' }, picked, this.settings.maxListed) });
    }
    return this.record(deliveries);
  }

  /** Findings by id, as alerts list them (KEV consumer). */
  async findings(ids: string[], db: Sql): Promise<AlertItem[]> {
    const r = await db.executeSql(`select ${FINDING_COLUMNS} from findings.finding where id = any($1::uuid[])`, [ids]);
    return (r.rows as FindingRow[]).map((f) => toItem(f));
  }

  /** Records the deliveries and queues them, in one transaction; returns how many were new. */
  async record(deliveries: NewDelivery[], db?: Sql): Promise<number> {
    if (deliveries.length === 0) return 0;
    if (db) return this.insert(deliveries, db);
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const n = await this.insert(deliveries, { executeSql: (text, values) => client.query(text, values) });
      await client.query('commit');
      return n;
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private async insert(deliveries: NewDelivery[], db: Sql): Promise<number> {
    let n = 0;
    for (const d of deliveries) {
      const summary = headline(d.message).slice(0, 300);
      const r = await db.executeSql(
        `insert into findings.alert_delivery (id, account_id, client_id, channel_id, event, event_key, scan_id, summary, message, status, attempts, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, 'PENDING', 0, now(), now())
         on conflict (channel_id, event_key) do nothing returning id`,
        [uuidv7(), d.channel.account_id, d.channel.client_id, d.channel.id, d.message.event, d.eventKey, d.message.scan?.id ?? null, summary, JSON.stringify(d.message)],
      );
      const id = (r.rows[0] as { id: string } | undefined)?.id;
      if (!id) continue; // this event already has its message for this channel
      await enqueueDelivery(this.boss, this.settings, id, db);
      n++;
    }
    return n;
  }
}
