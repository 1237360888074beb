import { z } from 'zod';
import { planCatalog, TIERS, type PlanSpec } from './plan/plan.catalog.js';

const limit = z
  .string()
  .regex(/^(\d+|unlimited)$/, 'a number of scans or "unlimited"')
  .optional();

/** Plans and the tier new clients start on; shared by billing and by scans (which consumes quota). */
export const billingEnvFragment = z.object({
  DEFAULT_CLIENT_TIER: z.enum(TIERS).default('trial'),
  PLAN_TRIAL_SCANS: limit,
  PLAN_STARTER_SCANS: limit,
  PLAN_PROFESSIONAL_SCANS: limit,
  PLAN_ENTERPRISE_SCANS: limit,
});

export function catalogFromEnv(env: z.infer<typeof billingEnvFragment>): PlanSpec[] {
  const parse = (v: string | undefined) => (v === undefined ? undefined : v === 'unlimited' ? null : Number(v));
  const overrides: Record<string, number | null> = {};
  const entries = [
    ['trial', env.PLAN_TRIAL_SCANS],
    ['starter', env.PLAN_STARTER_SCANS],
    ['professional', env.PLAN_PROFESSIONAL_SCANS],
    ['enterprise', env.PLAN_ENTERPRISE_SCANS],
  ] as const;
  for (const [tier, raw] of entries) {
    const v = parse(raw);
    if (v !== undefined) overrides[tier] = v;
  }
  return planCatalog(overrides);
}
