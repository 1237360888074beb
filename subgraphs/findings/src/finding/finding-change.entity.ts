import { defineEntity, p } from '@mikro-orm/postgresql';

/**
 * A feed update that changed what is known about an unfixed finding: it entered or left CISA KEV,
 * its EPSS moved, or its score changed. Written by the intel sync in the transaction that loads
 * the feed (so a change is recorded exactly when the new data becomes visible) and announced with
 * NOTIFY; `findingChanged` subscribers read it from here, so a reconnecting one misses nothing.
 */
export const FindingChangeSchema = defineEntity({
  name: 'FindingChange',
  tableName: 'finding_change',
  schema: 'findings',
  indexes: [
    { name: 'finding_change_account_idx', properties: ['accountId', 'id'] },
    { name: 'finding_change_at_idx', properties: ['at'] },
  ],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    accountId: p.uuid(),
    clientId: p.uuid(),
    /** The latest sighting of the problem (the finding the API shows for it). */
    findingId: p.uuid(),
    fingerprint: p.string().length(64),
    /** The feed whose update caused it: kev or epss. */
    feed: p.string().length(16),
    kevBefore: p.boolean(),
    kevAfter: p.boolean(),
    epssBefore: p.double().runtimeType('number').nullable(),
    epssAfter: p.double().runtimeType('number').nullable(),
    scoreBefore: p.double().runtimeType('number'),
    scoreAfter: p.double().runtimeType('number'),
    at: p.datetime().columnType('timestamptz'),
  },
});
export class FindingChangeEntity extends FindingChangeSchema.class {}
FindingChangeSchema.setClass(FindingChangeEntity);
