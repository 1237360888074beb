import { defineEntity, p } from '@mikro-orm/postgresql';

const APPEND_ONLY = "raise exception 'finding_history is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';";

/**
 * The audit trail of a finding's status: one row per change, by a person (through the API) or by
 * the scanner. Append-only: a database trigger refuses every UPDATE and DELETE.
 */
export const FindingHistorySchema = defineEntity({
  name: 'FindingHistory',
  tableName: 'finding_history',
  schema: 'findings',
  indexes: [{ name: 'finding_history_state_idx', properties: ['stateId', 'id'] }],
  // Append-only for everyone, whatever code runs: the database refuses UPDATE and DELETE. (Its
  // TRUNCATE trigger lives in the migration only: schema introspection does not list TRUNCATE
  // triggers, so declaring it here would make every schema diff want to create it again.)
  triggers: [{ name: 'finding_history_append_only', timing: 'before', events: ['update', 'delete'], forEach: 'row', body: APPEND_ONLY }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    stateId: p.uuid(),
    accountId: p.uuid(),
    clientId: p.uuid(),
    at: p.datetime().columnType('timestamptz'),
    /** `user` (a credential, through the API) or `scanner`. */
    actorKind: p.string().length(16),
    /** The credential id, or the scan id for the scanner. */
    actor: p.string().length(64),
    /** Who the caller says made the change (e.g. a person's name or e-mail), if given. */
    updatedBy: p.string().length(200).nullable(),
    fromStatus: p.string().length(16).nullable(),
    toStatus: p.string().length(16),
    note: p.text().nullable(),
    scanId: p.uuid().nullable(),
  },
});
export class FindingHistoryEntity extends FindingHistorySchema.class {}
FindingHistorySchema.setClass(FindingHistoryEntity);
