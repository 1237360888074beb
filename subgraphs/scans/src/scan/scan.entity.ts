import { defineEntity, p } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';

export const TARGET_TYPES = ['IP', 'DOMAIN', 'URL', 'CIDR'] as const;
export const PROFILES = ['LIGHT', 'STANDARD', 'AGGRESSIVE'] as const;
export const MODES = ['PASSIVE', 'ACTIVE'] as const;
export const STATUSES = ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type ScanStatus = (typeof STATUSES)[number];
export const TERMINAL: readonly ScanStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];
/** What a scan event records: a state change, a probe starting or ending, or a finding found. */
export const EVENT_KINDS = ['STATUS', 'CHECK_STARTED', 'CHECK_FINISHED', 'FINDING'] as const;
export type ScanEventKind = (typeof EVENT_KINDS)[number];

/** A scan of one target for one client. Its state changes are also kept as ScanEvents. */
export const ScanSchema = defineEntity({
  name: 'Scan',
  tableName: 'scan',
  schema: 'scans',
  indexes: [
    { name: 'scan_account_created_idx', properties: ['accountId', 'createdAt', 'id'] },
    { name: 'scan_client_created_idx', properties: ['clientId', 'createdAt', 'id'] },
  ],
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    accountId: p.uuid(),
    clientId: p.uuid(),
    target: p.string().length(2100),
    targetType: p.enum([...TARGET_TYPES]),
    profile: p.enum([...PROFILES]),
    mode: p.enum([...MODES]),
    status: p.enum([...STATUSES]),
    progress: p.smallint(),
    /** Counts state changes: 1 when queued, +1 for each later step. */
    revision: p.integer(),
    error: p.text().nullable(),
    triggeredBy: p.string().length(32),
    /** Credential that created the scan, for audit. */
    createdBy: p.uuid(),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
    startedAt: p.datetime().columnType('timestamptz').nullable(),
    completedAt: p.datetime().columnType('timestamptz').nullable(),
    /** What the run did (requests, hosts, deadline reached...), set when it ends. */
    stats: p.json<Record<string, unknown>>().nullable(),
    /** Findings recorded so far. */
    findingsCount: p.integer().default(0),
  },
});
export class ScanEntity extends ScanSchema.class {}
ScanSchema.setClass(ScanEntity);

/** One state of a scan as it was at one step: what subscribers are sent, in order. */
export const ScanEventSchema = defineEntity({
  name: 'ScanEvent',
  tableName: 'scan_event',
  schema: 'scans',
  uniques: [{ name: 'scan_event_scan_revision_unique', properties: ['scanId', 'revision'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    scanId: p.uuid(),
    /** The scan's revision this event records. */
    revision: p.integer(),
    status: p.enum([...STATUSES]),
    progress: p.smallint(),
    error: p.text().nullable(),
    startedAt: p.datetime().columnType('timestamptz').nullable(),
    completedAt: p.datetime().columnType('timestamptz').nullable(),
    kind: p.enum([...EVENT_KINDS]).default('STATUS'),
    /** The probe (CHECK_*) or the finding's check id (FINDING). */
    checkId: p.string().length(100).nullable(),
    host: p.string().length(300).nullable(),
    /** Findings of the scan recorded up to this event. */
    findingsCount: p.integer().default(0),
    /** FINDING: the finding's id and summary; CHECK_FINISHED: how many the probe found, or its error. */
    findingId: p.uuid().nullable(),
    severity: p.string().length(10).nullable(),
    title: p.string().length(300).nullable(),
    detail: p.text().nullable(),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
  },
});
export class ScanEventEntity extends ScanEventSchema.class {}
ScanEventSchema.setClass(ScanEventEntity);
