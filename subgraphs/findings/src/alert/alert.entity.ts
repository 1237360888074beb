import { defineEntity, p } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';

export const ALERT_CHANNEL_KINDS = ['SLACK', 'TEAMS', 'EMAIL', 'WEBHOOK'] as const;
export type AlertChannelKind = (typeof ALERT_CHANNEL_KINDS)[number];

export const ALERT_DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
export type AlertDeliveryStatus = (typeof ALERT_DELIVERY_STATUSES)[number];

/**
 * Where a client's alerts go: one channel per kind per client (configureAlerts upserts it).
 * URLs (bearer credentials for Slack and Teams) and the webhook signing secret are stored
 * encrypted (alert-secret.ts); `destinationHint` is what the API shows instead.
 */
export const AlertChannelSchema = defineEntity({
  name: 'AlertChannel',
  tableName: 'alert_channel',
  schema: 'findings',
  uniques: [{ name: 'alert_channel_client_kind_unique', properties: ['clientId', 'kind'] }],
  indexes: [{ name: 'alert_channel_account_idx', properties: ['accountId', 'createdAt'] }],
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    accountId: p.uuid(),
    clientId: p.uuid(),
    kind: p.enum([...ALERT_CHANNEL_KINDS]),
    /** SLACK, TEAMS, WEBHOOK: the URL, encrypted. */
    urlSealed: p.text().nullable(),
    /** Scheme and host of the URL (`https://hooks.slack.com/…`), or the email addresses. */
    destinationHint: p.string().length(300),
    /** EMAIL: the recipients. */
    emails: p.array().columnType('text[]').defaultRaw(`'{}'`),
    /** WEBHOOK: the HMAC signing secret, encrypted (shown once, at creation). */
    secretSealed: p.text().nullable(),
    kevAlerts: p.boolean().default(true),
    criticalAlerts: p.boolean().default(true),
    highAlerts: p.boolean().default(false),
    newFinding: p.boolean().default(false),
    regression: p.boolean().default(false),
    scanFailed: p.boolean().default(false),
    kevAfterFeedUpdate: p.boolean().default(true),
    enabled: p.boolean().default(true),
    /** The credential that configured it (`key.<id>` / `token.<id>`): report links in its alerts act for it. */
    createdBy: p.string().length(64),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
    updatedAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
  },
});
export class AlertChannelEntity extends AlertChannelSchema.class {}
AlertChannelSchema.setClass(AlertChannelEntity);

/**
 * One message to one channel. Unique per (channel, event key), so re-running an evaluation (the
 * queue delivers at least once) never makes a second message for the same scan or feed load.
 */
export const AlertDeliverySchema = defineEntity({
  name: 'AlertDelivery',
  tableName: 'alert_delivery',
  schema: 'findings',
  uniques: [{ name: 'alert_delivery_channel_event_unique', properties: ['channelId', 'eventKey'] }],
  indexes: [
    { name: 'alert_delivery_channel_idx', properties: ['channelId', 'createdAt', 'id'] },
    { name: 'alert_delivery_pending_idx', properties: ['status', 'updatedAt'] },
  ],
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    accountId: p.uuid(),
    clientId: p.uuid(),
    channelId: p.uuid(),
    event: p.string().length(32),
    eventKey: p.string().length(200),
    scanId: p.uuid().nullable(),
    summary: p.string().length(300),
    /** The channel-neutral message (alert-message.ts), rendered per attempt. */
    message: p.json<Record<string, unknown>>(),
    status: p.enum([...ALERT_DELIVERY_STATUSES]).default('PENDING'),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
    lastResponseCode: p.integer().nullable(),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
    updatedAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
    deliveredAt: p.datetime().columnType('timestamptz').nullable(),
  },
});
export class AlertDeliveryEntity extends AlertDeliverySchema.class {}
AlertDeliverySchema.setClass(AlertDeliveryEntity);

/** The log of a delivery: one row per attempt, whatever its outcome. */
export const AlertAttemptSchema = defineEntity({
  name: 'AlertAttempt',
  tableName: 'alert_attempt',
  schema: 'findings',
  indexes: [{ name: 'alert_attempt_delivery_idx', properties: ['deliveryId', 'id'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    deliveryId: p.uuid(),
    attempt: p.integer(),
    at: p.datetime().columnType('timestamptz'),
    ok: p.boolean(),
    responseCode: p.integer().nullable(),
    error: p.text().nullable(),
    durationMs: p.integer(),
  },
});
export class AlertAttemptEntity extends AlertAttemptSchema.class {}
AlertAttemptSchema.setClass(AlertAttemptEntity);

/**
 * Where the consumers of findings.finding_change stand (one row per consumer): workers advance
 * it under a row lock (FOR UPDATE SKIP LOCKED), so each change is handled by exactly one of them.
 */
export const AlertCursorSchema = defineEntity({
  name: 'AlertCursor',
  tableName: 'alert_cursor',
  schema: 'findings',
  properties: {
    name: p.string().length(64).primary(),
    lastId: p.bigint('number').default(0),
    updatedAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
  },
});
export class AlertCursorEntity extends AlertCursorSchema.class {}
AlertCursorSchema.setClass(AlertCursorEntity);

export const ALERT_ENTITIES = [AlertChannelEntity, AlertDeliveryEntity, AlertAttemptEntity, AlertCursorEntity];
