import { defineEntity, p } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';

export const FINDING_STATUSES = ['open', 'in_progress', 'fixed', 'accepted_risk'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/**
 * One problem of one client across scans: the same fingerprint on the same client is the same
 * finding, whatever scan saw it. Each scan's sighting stays a `finding` row (an occurrence).
 */
export const FindingStateSchema = defineEntity({
  name: 'FindingState',
  tableName: 'finding_state',
  schema: 'findings',
  uniques: [{ name: 'finding_state_client_fingerprint_unique', properties: ['clientId', 'fingerprint'] }],
  indexes: [{ name: 'finding_state_client_host_idx', properties: ['clientId', 'host', 'status'] }],
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    accountId: p.uuid(),
    clientId: p.uuid(),
    fingerprint: p.string().length(64),
    checkId: p.string().length(100),
    /** The scanned host the problem is on: what a later scan must cover to call it fixed. */
    host: p.string().length(300),
    status: p.enum([...FINDING_STATUSES]),
    firstSeen: p.datetime().columnType('timestamptz'),
    lastSeen: p.datetime().columnType('timestamptz'),
    fixedAt: p.datetime().columnType('timestamptz').nullable(),
    /** Seen again after a scan had verified it fixed. */
    regressed: p.boolean().default(false),
    /** Scans that saw it. */
    occurrences: p.integer().default(1),
    lastScanId: p.uuid(),
    /** accepted_risk: until when (null: until changed). */
    acceptedUntil: p.datetime().columnType('timestamptz').nullable(),
    updatedAt: p.datetime().columnType('timestamptz'),
  },
});
export class FindingStateEntity extends FindingStateSchema.class {}
FindingStateSchema.setClass(FindingStateEntity);
