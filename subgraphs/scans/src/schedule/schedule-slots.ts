import { Cron } from 'croner';
import type { Frequency } from './schedule.entity.js';

/** What decides a schedule's slots. */
export interface SlotSpec {
  frequency: Frequency;
  cron: string | null;
  timeZone: string;
  /** Local "HH:MM". */
  timeOfDay: string;
  /** 0 (Sunday) - 6. */
  weekday: number;
  /** 1-28. */
  dayOfMonth: number;
}

/** Local time of named schedules when none is given: 03:00 exists exactly once on every day in the common zones' DST changes (gaps and repeats fall between 00:00 and 03:00). */
export const DEFAULT_TIME_OF_DAY = '03:00';
export const DEFAULT_WEEKDAY = 1;
export const DEFAULT_DAY_OF_MONTH = 1;
/** Slots of a cron schedule must be at least this far apart (a scan is not a heartbeat). */
export const MIN_CRON_INTERVAL_MS = 3_600_000;
/** Longest cron expression stored (schedule.cron is varchar(120)): a longer one is bad input, not a failed insert. */
export const MAX_CRON_LENGTH = 120;
/** Catching up after downtime walks missed slots; beyond this many it stops looking further back. */
const MAX_CATCH_UP_STEPS = 10_000;

/** The 5-field cron pattern of a spec: named frequencies are ordinary cron patterns in the zone. */
export function cronPatternOf(spec: SlotSpec): string {
  if (spec.frequency === 'CRON') return spec.cron ?? '';
  const [h, m] = spec.timeOfDay.split(':').map(Number) as [number, number];
  if (spec.frequency === 'DAILY') return `${m} ${h} * * *`;
  if (spec.frequency === 'WEEKLY') return `${m} ${h} * * ${spec.weekday}`;
  return `${m} ${h} ${spec.dayOfMonth} * *`;
}

function cronOf(spec: SlotSpec): Cron {
  return new Cron(cronPatternOf(spec), { timezone: spec.timeZone, paused: true, mode: '5-part', domAndDow: false });
}

/** The local calendar date and wall-clock minute of an instant in a zone: "2026-03-29 01:30". */
export function localKey(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/**
 * The first slot strictly after `after`. The rule across daylight-saving changes: a named schedule
 * runs once per local day it is due (a time skipped by spring-forward runs at the first instant
 * after the gap; a time repeated by fall-back runs at its first occurrence), and no schedule ever
 * runs twice at the same local date and time. Croner already behaves so (the unit tests prove it);
 * the `previous` guard enforces it should a computation land inside a repeated hour anyway.
 */
export function nextSlot(spec: SlotSpec, after: Date, previous: Date | null = null): Date | null {
  const cron = cronOf(spec);
  let candidate = cron.nextRun(after);
  const taken = previous ? sameKey(spec, previous) : null;
  for (let i = 0; candidate && taken && i < 4 && sameKey(spec, candidate) === taken; i++) candidate = cron.nextRun(candidate);
  return candidate;
}

/** Named schedules: at most one slot per local date; cron: at most one per local date and minute. */
function sameKey(spec: SlotSpec, at: Date): string {
  const key = localKey(at, spec.timeZone);
  return spec.frequency === 'CRON' ? key : key.slice(0, 10);
}

/**
 * Which slot a due schedule runs now, and when it runs next. After downtime only the latest missed
 * slot runs (one scan, not a storm of catch-up scans); `next` is the first slot after `now`.
 */
export function dueSlot(spec: SlotSpec, due: Date, now: Date): { slot: Date; next: Date | null } {
  let slot = due;
  let next = nextSlot(spec, slot, slot);
  for (let i = 0; next && next <= now && i < MAX_CATCH_UP_STEPS; i++) {
    slot = next;
    next = nextSlot(spec, slot, slot);
  }
  while (next && next <= now) next = nextSlot(spec, now, slot);
  return { slot, next };
}

/** A problem with a spec, named by the input field it comes from. */
export interface SpecIssue {
  field: string;
  message: string;
}

/** An IANA zone name in its canonical spelling, or null when the runtime does not know it. */
export function canonicalTimeZone(name: string): string | null {
  // Offsets ("+02:00") are refused: they have no DST rules, which is what a zone name is for.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name) || name.length > 64) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** Every problem with a spec (empty when it is valid), including a cron that would run too often or never. */
export function specIssues(spec: SlotSpec, now = new Date()): SpecIssue[] {
  const issues: SpecIssue[] = [];
  if (!canonicalTimeZone(spec.timeZone)) issues.push({ field: 'timeZone', message: `"${spec.timeZone}" is not an IANA time zone (e.g. Europe/London, America/New_York, UTC)` });
  if (spec.frequency === 'CRON') {
    if (!spec.cron?.trim()) issues.push({ field: 'cron', message: 'frequency CRON needs a cron expression (5 fields: minute hour day-of-month month day-of-week)' });
    else if (spec.cron.length > MAX_CRON_LENGTH) issues.push({ field: 'cron', message: `is longer than ${MAX_CRON_LENGTH} characters` });
  } else {
    if (spec.cron) issues.push({ field: 'cron', message: 'only frequency CRON takes a cron expression' });
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(spec.timeOfDay)) issues.push({ field: 'timeOfDay', message: 'must be a local time HH:MM (00:00-23:59)' });
    if (!Number.isInteger(spec.weekday) || spec.weekday < 0 || spec.weekday > 6) issues.push({ field: 'weekday', message: 'must be 0 (Sunday) to 6 (Saturday)' });
    if (!Number.isInteger(spec.dayOfMonth) || spec.dayOfMonth < 1 || spec.dayOfMonth > 28) {
      issues.push({ field: 'dayOfMonth', message: 'must be 1 to 28, so that every month has the day' });
    }
  }
  if (issues.length > 0) return issues;
  let runs: Date[];
  try {
    runs = cronOf(spec).nextRuns(6, now);
  } catch (err) {
    return [{ field: 'cron', message: `is not a valid 5-field cron expression: ${(err as Error).message}` }];
  }
  if (runs.length === 0) return [{ field: spec.frequency === 'CRON' ? 'cron' : 'frequency', message: 'never matches a date' }];
  for (let i = 1; i < runs.length; i++) {
    if (runs[i]!.getTime() - runs[i - 1]!.getTime() < MIN_CRON_INTERVAL_MS) {
      return [{ field: 'cron', message: 'runs more often than once an hour; scheduled scans must be at least an hour apart' }];
    }
  }
  return [];
}
