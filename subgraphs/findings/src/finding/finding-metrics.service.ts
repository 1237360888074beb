import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Identity } from '../../../../lib/auth/identity.js';
import { requireScope, tenantOf } from '../../../../lib/auth/tenant.js';
import { BadUserInputError, type InputIssue } from '../../../../lib/errors.js';
import { FindingMetricsRepository, SLA_PRIORITIES, type ClientMetricsRow, type SlaDays, type SlaPriority } from './finding-metrics.repository.js';

/** The same deadlines as the fix urgencies of scoring.ts: immediate 48h, urgent 7, soon 30, planned 90 days. */
export const DEFAULT_SLA_DAYS: Readonly<SlaDays> = Object.freeze({ critical: 2, high: 7, medium: 30, low: 90 });

/** Without `since`, the time to remediate covers the problems fixed in the last 90 days. */
export const DEFAULT_WINDOW_DAYS = 90;

const MAX_SLA_DAYS = 3650;

export interface MetricsArgs {
  clientId?: string | null;
  since?: Date | null;
  /** Per-call deadlines; a priority left out keeps the deployment's. */
  slaDays?: Partial<Record<SlaPriority, number | null>> | null;
}

export interface PrioritySla {
  priority: SlaPriority;
  slaDays: number;
  open: number;
  overdue: number;
  /** Whole days since the oldest open problem of this priority was first seen; null when none is open. */
  oldestOpenDays: number | null;
}

export interface ClientMetrics extends Omit<ClientMetricsRow, 'sla'> {
  overdue: number;
  sla: PrioritySla[];
  asOf: Date;
}

/**
 * `FINDING_SLA_DAYS`: the deployment's deadlines, `critical=2,high=7,medium=30,low=90`; a
 * priority left out keeps its default. Extend a service's env schema with `findingSlaEnv`.
 */
export const slaDaysSetting = z
  .string()
  .optional()
  .transform((raw, ctx): SlaDays => {
    const days: SlaDays = { ...DEFAULT_SLA_DAYS };
    if (raw === undefined || raw.trim() === '') return days;
    const seen = new Set<string>();
    for (const part of raw.split(',')) {
      const m = /^\s*([a-z]+)\s*=\s*(\d+)\s*$/i.exec(part);
      const priority = m ? (m[1]!.toLowerCase() as SlaPriority) : null;
      if (!m || !priority || !SLA_PRIORITIES.includes(priority)) {
        ctx.addIssue({ code: 'custom', message: `"${part.trim()}" is not priority=days with a priority of ${SLA_PRIORITIES.join(', ')}; e.g. critical=2,high=7,medium=30,low=90` });
        continue;
      }
      const value = Number(m[2]);
      if (seen.has(priority)) ctx.addIssue({ code: 'custom', message: `${priority} is given twice` });
      else if (!Number.isSafeInteger(value) || value < 1 || value > MAX_SLA_DAYS) ctx.addIssue({ code: 'custom', message: `${priority}=${m[2]}: days must be a whole number from 1 to ${MAX_SLA_DAYS}` });
      else days[priority] = value;
      seen.add(priority);
    }
    return days;
  });

/** Env fragment for the findings subgraph's env schema. */
export const findingSlaEnv = z.object({ FINDING_SLA_DAYS: slaDaysSetting });

/** Parses a `FINDING_SLA_DAYS` value; throws a zod error naming every bad entry. */
export function parseSlaDaysEnv(raw: string | undefined): SlaDays {
  return findingSlaEnv.parse({ FINDING_SLA_DAYS: raw }).FINDING_SLA_DAYS;
}

/**
 * Per-client remediation metrics: what is open by severity, how long fixing takes, and what is
 * past its deadline by priority. Deadlines: the deployment's, overridden per call.
 */
export class FindingMetricsService {
  private readonly repo: FindingMetricsRepository;

  constructor(
    em: EntityManager,
    private readonly identity: Identity,
    private readonly defaults: Readonly<SlaDays> = DEFAULT_SLA_DAYS,
  ) {
    this.repo = new FindingMetricsRepository(em, tenantOf(identity));
  }

  /** Clients with the most overdue first, then the most open; one query whatever their number. */
  async perClient(args: MetricsArgs, now = new Date()): Promise<ClientMetrics[]> {
    requireScope(this.identity, 'findings:read');
    const { since, slaDays } = resolveMetricsArgs(args, this.defaults, now);
    const rows = await this.repo.perClient({ clientId: args.clientId ?? null, since, asOf: now, slaDays });
    const metrics = rows.map((r): ClientMetrics => {
      const sla = r.sla.map((s) => ({
        priority: s.priority,
        slaDays: s.slaDays,
        open: s.open,
        overdue: s.overdue,
        oldestOpenDays: s.oldestFirstSeen === null ? null : Math.max(0, Math.floor((now.getTime() - s.oldestFirstSeen.getTime()) / 86_400_000)),
      }));
      return { ...r, sla, overdue: sla.reduce((n, s) => n + s.overdue, 0), asOf: now };
    });
    return metrics.sort((a, b) => b.overdue - a.overdue || b.open.total - a.open.total || (a.clientId < b.clientId ? -1 : 1));
  }
}

/** Validates the arguments, naming every bad field, and fills in the defaults. */
export function resolveMetricsArgs(args: MetricsArgs, defaults: Readonly<SlaDays>, now: Date): { since: Date; slaDays: SlaDays } {
  const issues: InputIssue[] = [];
  if (args.clientId && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(args.clientId)) {
    issues.push({ field: 'clientId', message: 'is not a client id' });
  }
  if (args.since && Number.isNaN(args.since.getTime())) issues.push({ field: 'since', message: 'is not a valid instant' });
  else if (args.since && args.since > now) issues.push({ field: 'since', message: 'is in the future' });
  const slaDays: SlaDays = { ...defaults };
  for (const priority of SLA_PRIORITIES) {
    const value = args.slaDays?.[priority];
    if (value === undefined || value === null) continue;
    if (!Number.isInteger(value) || value < 1 || value > MAX_SLA_DAYS) {
      issues.push({ field: `slaDays.${priority}`, message: `must be a whole number of days from 1 to ${MAX_SLA_DAYS}` });
    } else {
      slaDays[priority] = value;
    }
  }
  if (issues.length > 0) throw new BadUserInputError(issues);
  return { since: args.since ?? new Date(now.getTime() - DEFAULT_WINDOW_DAYS * 86_400_000), slaDays };
}
