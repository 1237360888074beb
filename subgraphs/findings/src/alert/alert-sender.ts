import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type pg from 'pg';
import { ReportUrlSigner, parseCredentialRef } from '../../../../lib/auth/report-url.js';
import type { Logger } from '../../../../lib/logger.js';
import type { AlertSettings } from './alert.env.js';
import type { AlertChannelKind } from './alert.entity.js';
import { DestinationRefusedError, postJson } from './alert-http.js';
import type { AlertMessage } from './alert-message.js';
import { renderEmail, renderSlack, renderTeams, renderWebhook, type ReportLink } from './alert-render.js';
import { AlertCipher, webhookSignature } from './alert-secret.js';

interface DeliveryRow {
  id: string;
  status: string;
  attempts: number;
  message: AlertMessage;
  channel_id: string;
  /** Null when the channel is gone (deleted while this delivery was being recorded). */
  kind: AlertChannelKind | null;
  enabled: boolean | null;
  url_sealed: string | null;
  secret_sealed: string | null;
  emails: string[];
  created_by: string;
}

interface Outcome {
  ok: boolean;
  status: number | null;
  error: string | null;
}

/** What one delivery job did: `retry` means the attempt failed and another is due. */
export type DeliverResult = 'delivered' | 'skipped' | 'retry' | 'failed';

/**
 * Sends one delivery. Idempotent under at-least-once jobs: the delivery row is locked for the
 * attempt (a concurrent duplicate job skips it), a DELIVERED one is never sent again, and every
 * attempt is appended to findings.alert_attempt with its outcome.
 */
export class AlertSender {
  private readonly cipher: AlertCipher;
  private readonly signer: ReportUrlSigner;
  private readonly mail: Transporter | null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly s: AlertSettings,
    private readonly log: Logger,
  ) {
    this.cipher = new AlertCipher(s.secret);
    this.signer = new ReportUrlSigner(s.secret);
    const smtp: SMTPTransport.Options = { url: s.smtpUrl ?? '', connectionTimeout: s.timeoutMs, greetingTimeout: s.timeoutMs, socketTimeout: s.timeoutMs };
    this.mail = s.smtpUrl ? nodemailer.createTransport(smtp) : null;
  }

  /** `final`: the queue will not retry after this attempt (its retries are used up). */
  async deliver(deliveryId: string, final: boolean): Promise<DeliverResult> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const r = await client.query<DeliveryRow>(
        `select d.id, d.status, d.attempts, d.message, d.channel_id, c.kind, c.enabled, c.url_sealed, c.secret_sealed, c.emails, c.created_by
           from findings.alert_delivery d left join findings.alert_channel c on c.id = d.channel_id
          where d.id = $1 for update of d skip locked`,
        [deliveryId],
      );
      const row = r.rows[0];
      if (!row || row.status === 'DELIVERED') {
        await client.query('commit');
        return 'skipped';
      }
      if (row.kind === null) {
        // Its channel was deleted after the evaluation read it: nothing may be sent, and the row
        // must not linger (the stranded-delivery sweep would queue it again and again).
        await client.query('delete from findings.alert_delivery where id = $1', [row.id]);
        await client.query('commit');
        return 'skipped';
      }
      if (!row.enabled) {
        // A disabled channel gets nothing, retries included; redeliverAlert sends it once re-enabled.
        await client.query(
          `update findings.alert_delivery set status = 'FAILED', last_error = 'the channel is disabled', updated_at = now() where id = $1`,
          [row.id],
        );
        await client.query('commit');
        return 'failed';
      }
      const started = Date.now();
      const outcome = await this.send({ ...row, kind: row.kind }).catch((err: unknown): Outcome => {
        const text = String((err as Error).message ?? err);
        return { ok: false, status: null, error: (err instanceof DestinationRefusedError ? `the webhook URL ${text}` : text).slice(0, 500) };
      });
      const attempt = row.attempts + 1;
      const status = outcome.ok ? 'DELIVERED' : final ? 'FAILED' : 'PENDING';
      await client.query(
        'insert into findings.alert_attempt (delivery_id, attempt, at, ok, response_code, error, duration_ms) values ($1, $2, now(), $3, $4, $5, $6)',
        [row.id, attempt, outcome.ok, outcome.status, outcome.error, Date.now() - started],
      );
      await client.query(
        `update findings.alert_delivery set status = $2, attempts = $3, last_error = $4, last_response_code = $5, updated_at = now(),
           delivered_at = case when $2 = 'DELIVERED' then now() else delivered_at end where id = $1`,
        [row.id, status, attempt, outcome.error, outcome.status],
      );
      await client.query('commit');
      this.log.info({ deliveryId, channelId: row.channel_id, kind: row.kind, attempt, ok: outcome.ok, code: outcome.status, err: outcome.error ?? undefined }, 'alert delivery attempt');
      return outcome.ok ? 'delivered' : final ? 'failed' : 'retry';
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private reportLink(createdBy: string): ReportLink {
    const cred = parseCredentialRef(createdBy);
    const exp = Math.floor(Date.now() / 1000) + this.s.linkTtlSeconds;
    // The sample of testAlert names no real scan: it gets no link.
    return (scanId) => (cred && scanId !== '00000000-0000-4000-8000-000000000000' ? this.signer.url(this.s.publicUrl, scanId, 'technical', cred, exp) : null);
  }

  private async send(row: DeliveryRow & { kind: AlertChannelKind }): Promise<Outcome> {
    const link = this.reportLink(row.created_by);
    const m = row.message;
    if (row.kind === 'EMAIL') {
      if (!this.mail) return { ok: false, status: null, error: 'email alerts are not configured on this deployment (SMTP_URL)' };
      const { subject, text, html } = renderEmail(m, link);
      const info = (await this.mail.sendMail({ from: this.s.emailFrom, to: row.emails, subject, text, html })) as { response?: string; rejected?: unknown[] };
      const code = Number(/^(\d{3})/.exec(info.response ?? '')?.[1] ?? 250);
      const rejected = (info.rejected ?? []).length;
      return rejected ? { ok: false, status: code, error: `${rejected} recipient(s) refused by the SMTP server` } : { ok: true, status: code, error: null };
    }
    const url = this.cipher.decrypt(row.url_sealed ?? '', row.channel_id, 'url');
    const body = JSON.stringify(row.kind === 'SLACK' ? renderSlack(m, link) : row.kind === 'TEAMS' ? renderTeams(m, link) : renderWebhook(m, link, row.id));
    const headers: Record<string, string> = { 'user-agent': 'fixfirst-alerts/1.0' };
    if (row.kind === 'WEBHOOK') {
      const secret = this.cipher.decrypt(row.secret_sealed ?? '', row.channel_id, 'secret');
      const ts = Math.floor(Date.now() / 1000);
      headers['x-fixfirst-timestamp'] = String(ts);
      headers['x-fixfirst-signature'] = webhookSignature(secret, ts, body);
      headers['x-fixfirst-delivery'] = row.id;
    }
    const out = await postJson(url, body, { policy: this.s.policy, allowHttp: this.s.allowHttp, timeoutMs: this.s.timeoutMs, ca: this.s.ca, headers });
    return { ok: out.ok, status: out.status, error: out.error };
  }

  close(): void {
    this.mail?.close();
  }
}
