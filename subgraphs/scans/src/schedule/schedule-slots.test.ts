import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, dueSlot, localKey, nextSlot, specIssues, type SlotSpec } from './schedule-slots.js';

function spec(over: Partial<SlotSpec>): SlotSpec {
  return { frequency: 'DAILY', cron: null, timeZone: 'UTC', timeOfDay: '03:00', weekday: 1, dayOfMonth: 1, ...over };
}

/** Every slot from `from` (exclusive) to `to` (inclusive), each computed from the one before, as the scheduler does. */
function walk(s: SlotSpec, from: string, to: string): Date[] {
  const out: Date[] = [];
  let prev: Date | null = null;
  let at = new Date(from);
  const end = new Date(to);
  for (;;) {
    const next = nextSlot(s, at, prev);
    if (!next || next > end) return out;
    out.push(next);
    prev = next;
    at = next;
  }
}

const dates = (slots: Date[], tz: string): string[] => slots.map((d) => localKey(d, tz).slice(0, 10));
const iso = (slots: Date[]): string[] => slots.map((d) => d.toISOString());

/** Consecutive calendar dates from `first`, `n` of them. */
function calendar(first: string, n: number, stepDays = 1): string[] {
  const start = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) => new Date(start + i * stepDays * 86_400_000).toISOString().slice(0, 10));
}

describe('schedule slots across daylight-saving changes', () => {
  it('runs a daily 01:30 Europe/London schedule once on the spring-forward day, at the end of the gap', () => {
    const s = spec({ timeZone: 'Europe/London', timeOfDay: '01:30' });
    const slots = walk(s, '2026-03-27T12:00:00Z', '2026-03-31T12:00:00Z');
    expect(dates(slots, 'Europe/London')).toEqual(['2026-03-28', '2026-03-29', '2026-03-30', '2026-03-31']);
    // 01:30 does not exist on 29 March (01:00 GMT jumps to 02:00 BST): it runs at 02:00 BST.
    expect(iso(slots)).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);
  });

  it('runs a daily 01:30 Europe/London schedule once on the fall-back day, at the first 01:30', () => {
    const s = spec({ timeZone: 'Europe/London', timeOfDay: '01:30' });
    const slots = walk(s, '2026-10-23T12:00:00Z', '2026-10-27T12:00:00Z');
    expect(dates(slots, 'Europe/London')).toEqual(['2026-10-24', '2026-10-25', '2026-10-26', '2026-10-27']);
    expect(iso(slots)).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z', '2026-10-27T01:30:00.000Z']);
  });

  it('runs a daily 02:30 America/New_York schedule once on the spring-forward day', () => {
    const s = spec({ timeZone: 'America/New_York', timeOfDay: '02:30' });
    const slots = walk(s, '2026-03-06T12:00:00Z', '2026-03-10T12:00:00Z');
    expect(dates(slots, 'America/New_York')).toEqual(['2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10']);
    expect(slots[1]!.toISOString()).toBe('2026-03-08T07:00:00.000Z'); // 03:00 EDT, the end of the gap
  });

  it('runs a daily 01:30 America/New_York schedule once on the fall-back day, even when computed from inside the repeated hour', () => {
    const s = spec({ timeZone: 'America/New_York', timeOfDay: '01:30' });
    const slots = walk(s, '2026-10-30T12:00:00Z', '2026-11-03T12:00:00Z');
    expect(dates(slots, 'America/New_York')).toEqual(['2026-10-31', '2026-11-01', '2026-11-02', '2026-11-03']);
    expect(slots[1]!.toISOString()).toBe('2026-11-01T05:30:00.000Z'); // 01:30 EDT, the first of the two
    // A scheduler that claims the slot late (01:10 EST, 06:10Z: before the second 01:30) must not run it again.
    for (const late of ['2026-11-01T05:31:00Z', '2026-11-01T06:10:00Z', '2026-11-01T06:29:59Z']) {
      expect(nextSlot(s, new Date(late), slots[1]!)!.toISOString()).toBe('2026-11-02T06:30:00.000Z');
      expect(nextSlot(s, new Date(late))!.toISOString()).toBe('2026-11-02T06:30:00.000Z');
    }
  });

  it('runs weekly Sunday schedules once on the Sundays the clocks change', () => {
    const ny = spec({ frequency: 'WEEKLY', timeZone: 'America/New_York', timeOfDay: '02:30', weekday: 0 });
    const spring = walk(ny, '2026-02-27T00:00:00Z', '2026-03-23T00:00:00Z');
    expect(dates(spring, 'America/New_York')).toEqual(['2026-03-01', '2026-03-08', '2026-03-15', '2026-03-22']);
    expect(spring[1]!.toISOString()).toBe('2026-03-08T07:00:00.000Z');
    const london = spec({ frequency: 'WEEKLY', timeZone: 'Europe/London', timeOfDay: '01:30', weekday: 0 });
    const autumn = walk(london, '2026-10-16T00:00:00Z', '2026-11-02T00:00:00Z');
    expect(dates(autumn, 'Europe/London')).toEqual(['2026-10-18', '2026-10-25', '2026-11-01']);
    expect(autumn[1]!.toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('runs monthly schedules once on a day-of-month that is a DST change day', () => {
    const spring = spec({ frequency: 'MONTHLY', timeZone: 'America/New_York', timeOfDay: '02:30', dayOfMonth: 8 });
    expect(iso(walk(spring, '2026-01-01T00:00:00Z', '2026-04-30T00:00:00Z'))).toEqual([
      '2026-01-08T07:30:00.000Z',
      '2026-02-08T07:30:00.000Z',
      '2026-03-08T07:00:00.000Z',
      '2026-04-08T06:30:00.000Z',
    ]);
    const autumn = spec({ frequency: 'MONTHLY', timeZone: 'America/New_York', timeOfDay: '01:30', dayOfMonth: 1 });
    expect(iso(walk(autumn, '2026-09-15T00:00:00Z', '2026-12-15T00:00:00Z'))).toEqual([
      '2026-10-01T05:30:00.000Z',
      '2026-11-01T05:30:00.000Z',
      '2026-12-01T06:30:00.000Z',
    ]);
  });

  it('gives every local day of a year exactly one daily slot, in zones and at times the clock changes touch', () => {
    const zones = ['Europe/London', 'America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'Australia/Lord_Howe', 'America/Santiago', 'UTC'];
    for (const timeZone of zones) {
      for (const timeOfDay of ['00:00', '00:30', '01:30', '02:00', '02:30', '03:00', '23:30']) {
        const s = spec({ timeZone, timeOfDay });
        const first = nextSlot(s, new Date('2026-01-01T00:00:00Z'))!;
        const slots = [first, ...walk(s, first.toISOString(), '2027-01-01T00:00:00Z')];
        const got = dates(slots, timeZone);
        expect(got, `${timeZone} ${timeOfDay}`).toEqual(calendar(got[0]!, got.length));
        expect(got.length, `${timeZone} ${timeOfDay}`).toBeGreaterThanOrEqual(364);
      }
    }
  });

  it('gives a weekly schedule exactly one slot a week through a year of clock changes', () => {
    for (const timeZone of ['Europe/London', 'America/New_York']) {
      const s = spec({ frequency: 'WEEKLY', timeZone, timeOfDay: '01:30', weekday: 0 });
      const first = nextSlot(s, new Date('2026-01-01T00:00:00Z'))!;
      const got = dates([first, ...walk(s, first.toISOString(), '2027-01-01T00:00:00Z')], timeZone);
      expect(got).toEqual(calendar(got[0]!, got.length, 7));
      expect(got).toHaveLength(52);
    }
  });

  it('never runs an hourly cron twice at the same local time: the repeated hour of fall-back runs once', () => {
    const s = spec({ frequency: 'CRON', cron: '0 * * * *', timeZone: 'America/New_York' });
    const slots = walk(s, '2026-11-01T03:30:00Z', '2026-11-01T08:30:00Z');
    expect(slots.map((d) => localKey(d, 'America/New_York').slice(11))).toEqual(['00:00', '01:00', '02:00', '03:00']);
  });
});

describe('due slots after downtime', () => {
  it('runs only the latest missed slot and schedules the next one after now', () => {
    const s = spec({ timeZone: 'Europe/London', timeOfDay: '03:00' });
    const { slot, next } = dueSlot(s, new Date('2026-06-01T02:00:00Z'), new Date('2026-06-04T12:00:00Z'));
    expect(slot.toISOString()).toBe('2026-06-04T02:00:00.000Z');
    expect(next!.toISOString()).toBe('2026-06-05T02:00:00.000Z');
  });

  it('runs the due slot itself when none was missed', () => {
    const s = spec({ frequency: 'WEEKLY', weekday: 3 });
    const { slot, next } = dueSlot(s, new Date('2026-06-03T03:00:00Z'), new Date('2026-06-03T03:00:04Z'));
    expect(slot.toISOString()).toBe('2026-06-03T03:00:00.000Z');
    expect(next!.toISOString()).toBe('2026-06-10T03:00:00.000Z');
  });
});

describe('schedule spec validation', () => {
  it('accepts IANA zones in their canonical spelling and refuses offsets and unknown names', () => {
    expect(canonicalTimeZone('Europe/London')).toBe('Europe/London');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('Mars/Olympus_Mons')).toBeNull();
    expect(canonicalTimeZone('+02:00')).toBeNull();
    expect(specIssues(spec({ timeZone: 'Not/AZone' })).map((i) => i.field)).toEqual(['timeZone']);
  });

  it('names each bad field of a named frequency', () => {
    const issues = specIssues(spec({ frequency: 'MONTHLY', timeOfDay: '24:00', weekday: 7, dayOfMonth: 31 }));
    expect(issues.map((i) => i.field)).toEqual(['timeOfDay', 'weekday', 'dayOfMonth']);
  });

  it('refuses cron expressions that are missing, malformed, never due or more frequent than hourly', () => {
    expect(specIssues(spec({ frequency: 'CRON', cron: null }))[0]!.field).toBe('cron');
    expect(specIssues(spec({ frequency: 'CRON', cron: 'every day' }))[0]!.message).toMatch(/not a valid/);
    expect(specIssues(spec({ frequency: 'CRON', cron: '0 0 30 2 *' }))[0]!.message).toMatch(/never/);
    expect(specIssues(spec({ frequency: 'CRON', cron: '*/5 * * * *' }))[0]!.message).toMatch(/once an hour/);
    expect(specIssues(spec({ frequency: 'DAILY', cron: '0 3 * * *' }))[0]!.field).toBe('cron');
    expect(specIssues(spec({ frequency: 'CRON', cron: '15 6 * * 1-5', timeZone: 'America/New_York' }))).toEqual([]);
  });

  it('refuses a valid cron expression longer than the stored column (120), rather than failing to store it', () => {
    const days = Array.from({ length: 31 }, (_, i) => i + 1).join(',');
    const months = Array.from({ length: 12 }, (_, i) => i + 1).join(',');
    const long = `0 3 ${days} ${months} 0,1,2,3,4,5,6`;
    expect(long.length).toBeGreaterThan(120);
    expect(specIssues(spec({ frequency: 'CRON', cron: long }))).toEqual([{ field: 'cron', message: 'is longer than 120 characters' }]);
    expect(specIssues(spec({ frequency: 'CRON', cron: `0 3 ${days} * *` }))).toEqual([]);
  });
});
