/** The four tiers of the published API. */
export const TIERS = ['trial', 'starter', 'professional', 'enterprise'] as const;
export type Tier = (typeof TIERS)[number];

/** How a plan's scan limit is counted: over the client's lifetime, or per calendar month (UTC). */
export type QuotaPeriod = 'total' | 'month';

export interface PlanSpec {
  tier: Tier;
  name: string;
  /** null: unlimited. */
  scanLimit: number | null;
  period: QuotaPeriod;
  activeScans: boolean;
  /** Largest CIDR target, in addresses (the operator's SCAN_MAX_CIDR_HOSTS caps it further). */
  maxCidrHosts: number;
}

/**
 * Default catalogue: trial 2 scans in total, starter 5 a month, the others unlimited; CIDR targets
 * up to a /28, /26, /24 and /22.
 */
export function planCatalog(overrides: Partial<Record<Tier, number | null>> = {}): PlanSpec[] {
  const limit = (t: Tier, d: number | null) => (t in overrides ? (overrides[t] ?? null) : d);
  return [
    { tier: 'trial', name: 'Trial', scanLimit: limit('trial', 2), period: 'total', activeScans: false, maxCidrHosts: 16 },
    { tier: 'starter', name: 'Starter', scanLimit: limit('starter', 5), period: 'month', activeScans: true, maxCidrHosts: 64 },
    { tier: 'professional', name: 'Professional', scanLimit: limit('professional', null), period: 'month', activeScans: true, maxCidrHosts: 256 },
    { tier: 'enterprise', name: 'Enterprise', scanLimit: limit('enterprise', null), period: 'month', activeScans: true, maxCidrHosts: 1024 },
  ];
}

/** What a quota window is counted from: the plan row's start and, for a paying client, its paid period. */
export interface PlanDates {
  subscribedAt: Date;
  periodStart?: Date | null;
  periodEnd?: Date | null;
}

/**
 * The quota window containing `now` for a plan: [start, end), end null for lifetime quotas. A
 * client paying through Stripe counts in its paid period (current_period_start/end); should the
 * renewal event be late, the period rolls forward by its own length, so usage still resets on time.
 * Without a paid period, monthly plans count per calendar month (UTC).
 */
export function quotaWindow(plan: PlanSpec, dates: PlanDates, now: Date): { start: Date; end: Date | null } {
  if (plan.period === 'total') return { start: dates.subscribedAt, end: null };
  const { periodStart, periodEnd } = dates;
  if (periodStart && periodEnd && periodEnd > periodStart && now >= periodStart) {
    const length = periodEnd.getTime() - periodStart.getTime();
    const skipped = now < periodEnd ? 0 : Math.floor((now.getTime() - periodStart.getTime()) / length);
    const start = new Date(periodStart.getTime() + skipped * length);
    return { start, end: new Date(start.getTime() + length) };
  }
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { start, end };
}
