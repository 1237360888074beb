import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BadUserInputError } from '../../../../lib/errors.js';
import { PRIORITY_BANDS, SLA_PRIORITIES } from './finding-metrics.repository.js';
import { DEFAULT_SLA_DAYS, parseSlaDaysEnv, resolveMetricsArgs } from './finding-metrics.service.js';
import { priorityOf } from './scoring.js';

const now = new Date('2026-03-01T12:00:00Z');

function inputIssues(fn: () => unknown): { field: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof BadUserInputError) return e.issues;
    throw e;
  }
  throw new Error('expected a BadUserInputError');
}

describe('priority bands of the metrics', () => {
  it('group scores exactly as priorityOf does, at every boundary', () => {
    for (const priority of SLA_PRIORITIES) {
      const { min, max } = PRIORITY_BANDS[priority];
      expect(priorityOf(min)).toBe(priority);
      expect(priorityOf(min - 0.1)).not.toBe(priority);
      if (max !== null) {
        expect(priorityOf(max - 0.1)).toBe(priority);
        expect(priorityOf(max)).not.toBe(priority);
      }
    }
    expect(priorityOf(PRIORITY_BANDS.low.min - 0.1)).toBe('info');
  });
});

describe('FINDING_SLA_DAYS', () => {
  it('defaults to the fix urgencies: 2, 7, 30 and 90 days', () => {
    expect(parseSlaDaysEnv(undefined)).toEqual({ critical: 2, high: 7, medium: 30, low: 90 });
    expect(parseSlaDaysEnv('  ')).toEqual(DEFAULT_SLA_DAYS);
  });

  it('overrides only the priorities it names, in any case and spacing', () => {
    expect(parseSlaDaysEnv('critical=1, HIGH = 14')).toEqual({ critical: 1, high: 14, medium: 30, low: 90 });
    expect(parseSlaDaysEnv('critical=3,high=10,medium=45,low=180')).toEqual({ critical: 3, high: 10, medium: 45, low: 180 });
  });

  it('rejects every bad entry at once, naming each', () => {
    let error: unknown;
    try {
      parseSlaDaysEnv('urgent=3,high=0,medium=x,low=4000,high=5');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(z.ZodError);
    const messages = (error as z.ZodError).issues.map((i) => i.message);
    expect(messages).toEqual([
      expect.stringContaining('"urgent=3" is not priority=days'),
      'high=0: days must be a whole number from 1 to 3650',
      expect.stringContaining('"medium=x" is not priority=days'),
      'low=4000: days must be a whole number from 1 to 3650',
      'high is given twice',
    ]);
    expect((error as z.ZodError).issues.every((i) => i.path.join('.') === 'FINDING_SLA_DAYS')).toBe(true);
  });
});

describe('metrics arguments', () => {
  it('keeps the deployment deadlines for what the call leaves out, and defaults the window to 90 days', () => {
    const deployment = { critical: 3, high: 10, medium: 30, low: 90 };
    const resolved = resolveMetricsArgs({ slaDays: { high: 5, low: null } }, deployment, now);
    expect(resolved.slaDays).toEqual({ critical: 3, high: 5, medium: 30, low: 90 });
    expect(resolved.since).toEqual(new Date('2025-12-01T12:00:00Z'));
    expect(deployment.high).toBe(10);
  });

  it('names every out-of-range deadline, a future since and a malformed client id', () => {
    const issues = inputIssues(() =>
      resolveMetricsArgs({ clientId: 'acme', since: new Date(now.getTime() + 1000), slaDays: { critical: 0, medium: 3651, low: 2.5 } }, DEFAULT_SLA_DAYS, now),
    );
    expect(issues.map((i) => i.field)).toEqual(['clientId', 'since', 'slaDays.critical', 'slaDays.medium', 'slaDays.low']);
    expect(issues[1]!.message).toBe('is in the future');
  });

  it('accepts the limits 1 and 3650 and a since of exactly now', () => {
    const resolved = resolveMetricsArgs({ since: now, slaDays: { critical: 1, low: 3650 } }, DEFAULT_SLA_DAYS, now);
    expect(resolved).toEqual({ since: now, slaDays: { critical: 1, high: 7, medium: 30, low: 3650 } });
  });
});
