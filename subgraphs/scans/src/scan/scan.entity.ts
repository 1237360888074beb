import { defineEntity, p } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';

export const TARGET_TYPES = ['IP', 'DOMAIN', 'URL', 'CIDR'] as const;
export const PROFILES = ['LIGHT', 'STANDARD', 'AGGRESSIVE'] as const;
export const MODES = ['PASSIVE', 'ACTIVE'] as const;
export const STATUSES = ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type ScanStatus = (typeof STATUSES)[number];
export const TERMINAL: readonly ScanStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

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
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
  },
});
export class ScanEventEntity extends ScanEventSchema.class {}
ScanEventSchema.setClass(ScanEventEntity);
