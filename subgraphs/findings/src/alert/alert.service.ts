import type { EntityManager } from '@mikro-orm/postgresql';
import type { PgBoss } from 'pg-boss';
import { uuidv7 } from 'uuidv7';
import type { Identity } from '../../../../lib/auth/identity.js';
import { credentialRefText } from '../../../../lib/auth/report-url.js';
import { requireScope, tenantOf, type Tenant } from '../../../../lib/auth/tenant.js';
import { BadUserInputError, NotFoundError, ServiceUnavailableError, type InputIssue } from '../../../../lib/errors.js';
import { decodeCursor, encodeCursor, pageSize } from '../../../../lib/graphql/cursor.js';
import type { ClientService } from '../../../clients/src/module.js';
import type { AlertSettings } from './alert.env.js';
import { AlertChannelEntity, AlertDeliveryEntity, type AlertAttemptEntity, type AlertChannelKind } from './alert.entity.js';
import { configureAlertsSchema, updateAlertChannelSchema, type RuleFlags } from './alert.input.js';
import { AlertRepository } from './alert.repository.js';
import { checkedAddress, DestinationRefusedError, parseWebhookUrl } from './alert-http.js';
import { headline, sampleMessage } from './alert-message.js';
import { enqueueDelivery } from './alert-queue.js';
import { AlertCipher, generateWebhookSecret } from './alert-secret.js';

/** What the findings subgraph shares with alert requests for the life of the process. */
export interface AlertDeps {
  settings: AlertSettings;
  /** Sends delivery jobs (testAlert, redeliverAlert). */
  queue: PgBoss;
}

const RULE_FIELDS = ['kevAlerts', 'criticalAlerts', 'highAlerts', 'newFinding', 'regression', 'scanFailed', 'kevAfterFeedUpdate'] as const;

/** A page of deliveries with their logs. */
export interface DeliveryPage {
  rows: { delivery: AlertDeliveryEntity; log: AlertAttemptEntity[]; cursor: string }[];
  hasNextPage: boolean;
  endCursor: string | null;
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new BadUserInputError(r.error.issues.map((i) => ({ field: i.path.map(String).join('.') || 'input', message: i.message })));
}

/** Rules of alert channels: who may configure which, URL safety, secrets shown once. */
export class AlertService {
  private readonly tenant: Tenant;
  private readonly repo: AlertRepository;
  private readonly cipher: AlertCipher;

  constructor(
    private readonly em: EntityManager,
    private readonly identity: Identity,
    private readonly deps: AlertDeps,
    private readonly clients: ClientService,
  ) {
    this.tenant = tenantOf(identity);
    this.repo = new AlertRepository(em, this.tenant);
    this.cipher = new AlertCipher(deps.settings.secret);
  }

  /** Refuses a webhook URL at configuration: form, https, and every address it resolves to. */
  private async checkUrl(field: string, raw: string): Promise<InputIssue | null> {
    try {
      await checkedAddress(parseWebhookUrl(raw, this.deps.settings.allowHttp), { policy: this.deps.settings.policy, allowHttp: this.deps.settings.allowHttp });
      return null;
    } catch (err) {
      if (err instanceof DestinationRefusedError) return { field, message: err.message };
      throw err;
    }
  }

  private hint(kind: AlertChannelKind, url: string | null, emails: string[]): string {
    if (kind === 'EMAIL') return emails.join(', ').slice(0, 300);
    const u = new URL(url!);
    return `${u.protocol}//${u.host}/…`;
  }

  private applyRules(c: AlertChannelEntity, flags: RuleFlags): void {
    for (const f of RULE_FIELDS) if (flags[f] !== undefined && flags[f] !== null) c[f] = flags[f];
  }

  private get createdBy(): string {
    return credentialRefText({ kind: this.identity.credentialKind === 'client_token' ? 'token' : 'key', id: this.identity.credentialId });
  }

  async configure(raw: unknown): Promise<{ clientId: string; channels: AlertChannelEntity[]; webhookSecret: string | null }> {
    requireScope(this.identity, 'clients:admin');
    const input = parse(configureAlertsSchema, raw);
    if (this.tenant.clientId && this.tenant.clientId !== input.clientId) throw new NotFoundError('Client');
    await this.clients.get(input.clientId); // a foreign client is not found
    const wanted: { kind: AlertChannelKind; field: string; url: string | null; emails: string[] }[] = [];
    if (input.slackWebhook) wanted.push({ kind: 'SLACK', field: 'slackWebhook', url: input.slackWebhook, emails: [] });
    if (input.teamsWebhook) wanted.push({ kind: 'TEAMS', field: 'teamsWebhook', url: input.teamsWebhook, emails: [] });
    if (input.webhookUrl) wanted.push({ kind: 'WEBHOOK', field: 'webhookUrl', url: input.webhookUrl, emails: [] });
    if (input.emails) {
      if (!this.deps.settings.smtpUrl) throw new BadUserInputError([{ field: 'emails', message: 'email alerts are not available on this deployment (no SMTP_URL)' }]);
      wanted.push({ kind: 'EMAIL', field: 'emails', url: null, emails: [...new Set(input.emails.map((e) => e.toLowerCase()))] });
    }
    const issues = (await Promise.all(wanted.filter((w) => w.url).map((w) => this.checkUrl(w.field, w.url!)))).filter((i): i is InputIssue => i !== null);
    if (issues.length) throw new BadUserInputError(issues);
    const existing = new Map((await this.repo.channels(input.clientId)).map((c) => [c.kind, c]));
    let webhookSecret: string | null = null;
    const now = new Date();
    for (const w of wanted) {
      let c = existing.get(w.kind);
      if (!c) {
        c = this.em.create(AlertChannelEntity, {
          id: uuidv7(),
          accountId: this.tenant.accountId,
          clientId: input.clientId,
          kind: w.kind,
          destinationHint: '',
          createdBy: this.createdBy,
          kevAfterFeedUpdate: input.kevAfterFeedUpdate ?? input.kevAlerts ?? true,
        });
        if (w.kind === 'WEBHOOK') {
          webhookSecret = generateWebhookSecret();
          c.secretSealed = this.cipher.encrypt(webhookSecret, c.id, 'secret');
        }
        existing.set(w.kind, c);
      }
      c.urlSealed = w.url ? this.cipher.encrypt(w.url, c.id, 'url') : null;
      c.emails = w.emails;
      c.destinationHint = this.hint(w.kind, w.url, w.emails);
      // Report links in its alerts act for whoever configured it last (README "Alerts").
      c.createdBy = this.createdBy;
      c.updatedAt = now;
    }
    // The rules given apply to every channel named in this call (all of the client's when none is named).
    const named = wanted.length ? wanted.map((w) => existing.get(w.kind)!) : [...existing.values()];
    for (const c of named) {
      this.applyRules(c, input);
      c.updatedAt = now;
    }
    await this.em.flush();
    return { clientId: input.clientId, channels: await this.repo.channels(input.clientId), webhookSecret };
  }

  async update(channelId: string, raw: unknown): Promise<AlertChannelEntity> {
    requireScope(this.identity, 'clients:admin');
    const input = parse(updateAlertChannelSchema, raw);
    const c = await this.channel(channelId);
    if (input.url) {
      if (c.kind === 'EMAIL') throw new BadUserInputError([{ field: 'url', message: 'an EMAIL channel has recipients, not a URL' }]);
      const issue = await this.checkUrl('url', input.url);
      if (issue) throw new BadUserInputError([issue]);
      c.urlSealed = this.cipher.encrypt(input.url, c.id, 'url');
      c.destinationHint = this.hint(c.kind, input.url, []);
      c.createdBy = this.createdBy;
    }
    if (input.emails) {
      if (c.kind !== 'EMAIL') throw new BadUserInputError([{ field: 'emails', message: `a ${c.kind} channel has a URL, not recipients` }]);
      c.emails = [...new Set(input.emails.map((e) => e.toLowerCase()))];
      c.destinationHint = this.hint('EMAIL', null, c.emails);
    }
    if (input.enabled !== undefined && input.enabled !== null) c.enabled = input.enabled;
    this.applyRules(c, input);
    c.updatedAt = new Date();
    await this.em.flush();
    return c;
  }

  async delete(channelId: string): Promise<boolean> {
    requireScope(this.identity, 'clients:admin');
    await this.repo.deleteChannel(await this.channel(channelId));
    return true;
  }

  async channels(clientId: string | null): Promise<AlertChannelEntity[]> {
    requireScope(this.identity, 'findings:read');
    if (clientId !== null) {
      if (this.tenant.clientId && this.tenant.clientId !== clientId) throw new NotFoundError('Client');
      await this.clients.get(clientId);
    }
    return this.repo.channels(clientId);
  }

  private async channel(id: string): Promise<AlertChannelEntity> {
    const c = await this.repo.channel(id);
    if (!c) throw new NotFoundError('Alert channel');
    return c;
  }

  async deliveries(channelId: string, first: number | null, after: string | null): Promise<DeliveryPage> {
    requireScope(this.identity, 'findings:read');
    const limit = pageSize(first);
    const cursor = decodeCursor(after);
    await this.channel(channelId);
    const rows = await this.repo.deliveries(channelId, limit + 1, cursor);
    const page = rows.slice(0, limit);
    const logs = await this.repo.attempts(page.map((d) => d.id));
    const out = page.map((delivery) => ({ delivery, log: logs.filter((l) => l.deliveryId === delivery.id), cursor: encodeCursor(delivery) }));
    return { rows: out, hasNextPage: rows.length > limit, endCursor: out.at(-1)?.cursor ?? null };
  }

  async logOf(delivery: AlertDeliveryEntity): Promise<AlertAttemptEntity[]> {
    return this.repo.attempts([delivery.id]);
  }

  /** Sends a delivery again, whatever its status (a DELIVERED one too: the caller asked). */
  async redeliver(deliveryId: string): Promise<AlertDeliveryEntity> {
    requireScope(this.identity, 'clients:admin');
    const d = await this.repo.delivery(deliveryId);
    if (!d) throw new NotFoundError('Alert delivery');
    d.status = 'PENDING';
    d.updatedAt = new Date();
    await this.em.flush();
    await this.enqueue(d);
    return d;
  }

  /** A sample message through the real pipeline (queue, rendering, signing, retries, log). */
  async test(channelId: string): Promise<AlertDeliveryEntity> {
    requireScope(this.identity, 'clients:admin');
    const c = await this.channel(channelId);
    const client = await this.clients.get(c.clientId);
    const message = sampleMessage(c.clientId, client.name);
    const d = this.em.create(AlertDeliveryEntity, {
      id: uuidv7(),
      accountId: c.accountId,
      clientId: c.clientId,
      channelId: c.id,
      event: 'TEST',
      eventKey: `test:${uuidv7()}`,
      scanId: null,
      summary: headline(message),
      message: message as unknown as Record<string, unknown>,
    });
    await this.em.flush();
    await this.enqueue(d);
    return d;
  }

  /**
   * Queues a delivery the caller just wrote. Should the queue refuse, the delivery is closed as
   * FAILED with the reason (never left PENDING with no job to send it) and the caller is told.
   */
  private async enqueue(d: AlertDeliveryEntity): Promise<void> {
    try {
      await enqueueDelivery(this.deps.queue, this.deps.settings, d.id);
    } catch {
      d.status = 'FAILED';
      d.lastError = 'The delivery could not be queued; send it again with redeliverAlert';
      d.updatedAt = new Date();
      await this.em.flush();
      throw new ServiceUnavailableError('The alert could not be queued; try again', { reason: 'QUEUE_UNAVAILABLE' });
    }
  }
}
