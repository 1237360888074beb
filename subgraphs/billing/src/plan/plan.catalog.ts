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

/** The quota window containing `now` for a plan: [start, end), end null for lifetime quotas. */
export function quotaWindow(plan: PlanSpec, subscribedAt: Date, now: Date): { start: Date; end: Date | null } {
  if (plan.period === 'total') return { start: subscribedAt, end: null };
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { start, end };
}
