import { describe, expect, it } from 'vitest';
import { planCatalog, quotaWindow } from './plan.catalog.js';

const [trial, starter] = planCatalog();
const at = (iso: string) => new Date(iso);

describe('quotaWindow', () => {
  it('counts a monthly plan per calendar month (UTC) when the client pays no Stripe period', () => {
    expect(quotaWindow(starter!, { subscribedAt: at('2026-01-10T00:00:00Z') }, at('2026-03-15T12:00:00Z'))).toEqual({ start: at('2026-03-01T00:00:00Z'), end: at('2026-04-01T00:00:00Z') });
  });

  it('counts in the paid period, and rolls it forward by its length when the renewal event is late', () => {
    const dates = { subscribedAt: at('2026-01-01T00:00:00Z'), periodStart: at('2026-03-10T08:00:00Z'), periodEnd: at('2026-04-09T08:00:00Z') };
    expect(quotaWindow(starter!, dates, at('2026-03-20T00:00:00Z'))).toEqual({ start: dates.periodStart, end: dates.periodEnd });
    expect(quotaWindow(starter!, dates, at('2026-04-12T00:00:00Z'))).toEqual({ start: at('2026-04-09T08:00:00Z'), end: at('2026-05-09T08:00:00Z') });
  });

  it('keeps a trial lifetime allowance from the plan\'s start, whatever period is stored', () => {
    const dates = { subscribedAt: at('2026-02-01T00:00:00Z'), periodStart: at('2026-03-10T00:00:00Z'), periodEnd: at('2026-04-10T00:00:00Z') };
    expect(quotaWindow(trial!, dates, at('2026-03-20T00:00:00Z'))).toEqual({ start: dates.subscribedAt, end: null });
  });
});
