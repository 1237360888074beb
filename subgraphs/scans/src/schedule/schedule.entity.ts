import { defineEntity, p } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';
import { MODES, PROFILES, TARGET_TYPES } from '../scan/scan.entity.js';

/** How often a schedule runs: three named frequencies, or a 5-field cron expression. */
export const FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY', 'CRON'] as const;
export type Frequency = (typeof FREQUENCIES)[number];
/**
 * What became of one slot. PENDING only between the claim and the scan's creation (a run left
 * PENDING by a scheduler that died there is closed as FAILED by the next tick's sweep).
 */
export const RUN_OUTCOMES = ['PENDING', 'STARTED', 'SKIPPED', 'FAILED'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

/**
 * A recurring scan of one target for one client. Deleting sets `deletedAt` (soft delete): the
 * runs and the standing authorisation an active schedule's scans point at (scan_authorisation
 * .source_id) stay readable for audit, while the schedule disappears from the API and never runs.
 */
export const ScheduleSchema = defineEntity({
  name: 'Schedule',
  tableName: 'schedule',
  schema: 'scans',
  indexes: [
    { name: 'schedule_account_created_idx', properties: ['accountId', 'createdAt', 'id'] },
    { name: 'schedule_client_created_idx', properties: ['clientId', 'createdAt', 'id'] },
    // The scheduler's claim scans due rows in next_run_at order.
    { name: 'schedule_next_run_idx', properties: ['nextRunAt'] },
  ],
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    accountId: p.uuid(),
    clientId: p.uuid(),
    target: p.string().length(2100),
    targetType: p.enum([...TARGET_TYPES]),
    profile: p.enum([...PROFILES]),
    mode: p.enum([...MODES]),
    frequency: p.enum([...FREQUENCIES]),
    /** 5-field cron expression, for CRON only. */
    cron: p.string().length(120).nullable(),
    /** IANA time zone the slots are computed in (validated). */
    timeZone: p.string().length(64),
    /** Local "HH:MM" of DAILY, WEEKLY and MONTHLY runs. */
    timeOfDay: p.string().length(5),
    /** WEEKLY: 0 (Sunday) - 6. */
    weekday: p.smallint(),
    /** MONTHLY: 1-28, so every month has the day. */
    dayOfMonth: p.smallint(),
    paused: p.boolean().default(false),
    nextRunAt: p.datetime().columnType('timestamptz'),
    /** The slot of the latest run claimed. */
    lastRunAt: p.datetime().columnType('timestamptz').nullable(),
    /** Credential that created the schedule; its runs' scans are recorded as created by it. */
    createdBy: p.string().length(64),
    /** ACTIVE: the standing authorisation given at scheduling time, re-proved on every run. */
    authorisedBy: p.string().length(200).nullable(),
    authorisationStatement: p.text().nullable(),
    authorisedAt: p.datetime().columnType('timestamptz').nullable(),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
    updatedAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
    deletedAt: p.datetime().columnType('timestamptz').nullable(),
  },
});
export class ScheduleEntity extends ScheduleSchema.class {}
ScheduleSchema.setClass(ScheduleEntity);

/**
 * One slot of a schedule, claimed by exactly one scheduler: the unique (schedule_id, slot) is the
 * last line of defence should two schedulers ever claim the same slot.
 */
export const ScheduleRunSchema = defineEntity({
  name: 'ScheduleRun',
  tableName: 'schedule_run',
  schema: 'scans',
  uniques: [{ name: 'schedule_run_slot_unique', properties: ['scheduleId', 'slot'] }],
  indexes: [{ name: 'schedule_run_outcome_claimed_idx', properties: ['outcome', 'claimedAt'] }],
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    scheduleId: p.uuid(),
    accountId: p.uuid(),
    clientId: p.uuid(),
    slot: p.datetime().columnType('timestamptz'),
    outcome: p.enum([...RUN_OUTCOMES]),
    /** STARTED: the scan created for the slot. */
    scanId: p.uuid().nullable(),
    /** SKIPPED / FAILED: a stable code (QUOTA_EXCEEDED, TARGET_UNVERIFIED, TARGET_REFUSED...). */
    reason: p.string().length(64).nullable(),
    detail: p.text().nullable(),
    /** QUOTA_EXCEEDED: { limit, used, period_end } as the quota service reported them. */
    quota: p.json<Record<string, unknown>>().nullable(),
    /** Which scheduler claimed the slot (host:pid:random), for operators. */
    claimedBy: p.string().length(120),
    claimedAt: p.datetime().columnType('timestamptz'),
    finishedAt: p.datetime().columnType('timestamptz').nullable(),
  },
});
export class ScheduleRunEntity extends ScheduleRunSchema.class {}
ScheduleRunSchema.setClass(ScheduleRunEntity);

/** A running scheduler's heartbeat: operators (and tests) see which schedulers tick, and how often. */
export const SchedulerInstanceSchema = defineEntity({
  name: 'SchedulerInstance',
  tableName: 'scheduler_instance',
  schema: 'scans',
  properties: {
    id: p.string().length(120).primary(),
    startedAt: p.datetime().columnType('timestamptz'),
    lastTickAt: p.datetime().columnType('timestamptz'),
    /** Completed ticks since start. */
    ticks: p.bigint('number'),
  },
});
export class SchedulerInstanceEntity extends SchedulerInstanceSchema.class {}
SchedulerInstanceSchema.setClass(SchedulerInstanceEntity);
