import type { EntityManager } from '@mikro-orm/postgresql';
import type { Tenant } from '../../../../lib/auth/tenant.js';
import { SEVERITIES, type Severity } from './finding.entity.js';
import { emptyCounts, type SeverityCounts } from './finding.repository.js';

/** The priorities that carry a remediation deadline; info has none. */
export const SLA_PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export type SlaPriority = (typeof SLA_PRIORITIES)[number];

/** Days allowed to fix an open problem, by priority. */
export type SlaDays = Record<SlaPriority, number>;

/**
 * Score range [min, max) of each priority: the bands of `priorityOf` in scoring.ts, repeated here
 * because the grouping runs in SQL (a unit test holds the two together).
 */
export const PRIORITY_BANDS: Record<SlaPriority, { min: number; max: number | null }> = {
  critical: { min: 9, max: null },
  high: { min: 7, max: 9 },
  medium: { min: 4, max: 7 },
  low: { min: 1, max: 4 },
};

export interface MetricsWindow {
  /** Clients to include: null for every client the tenant may see. */
  clientId: string | null;
  /** Problems fixed at or after this instant count as fixed and feed the time to remediate. */
  since: Date;
  /** The instant the metrics describe: what is overdue, and whether an accepted risk lapsed. */
  asOf: Date;
  slaDays: SlaDays;
}

export interface PrioritySlaRow {
  priority: SlaPriority;
  slaDays: number;
  open: number;
  overdue: number;
  oldestFirstSeen: Date | null;
}

export interface ClientMetricsRow {
  clientId: string;
  open: SeverityCounts;
  inProgress: number;
  acceptedRisk: number;
  fixed: number;
  meanHours: number | null;
  medianHours: number | null;
  sla: PrioritySlaRow[];
}

type RawRow = Record<string, string | number | Date | null>;

/**
 * Remediation metrics of a tenant's clients, from the lifecycle table. Severity and priority come
 * from each problem's latest sighting (the finding row of its last scan), whose score is kept
 * current by feed updates. One grouped query for all clients; the tenant is in its WHERE.
 */
export class FindingMetricsRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly tenant: Tenant,
  ) {}

  async perClient(w: MetricsWindow): Promise<ClientMetricsRow[]> {
    if (this.tenant.clientId && w.clientId && w.clientId !== this.tenant.clientId) return [];
    const clientId = this.tenant.clientId ?? w.clientId;
    const params: unknown[] = [w.asOf, w.since, this.tenant.accountId];
    // The join is served by finding_scan_fingerprint_unique (a nested loop when narrowed to one
    // client). A scan is one client's, so the client needs no equality of its own: with one, the
    // planner misjudges the row count (correlated columns) and the account-wide plan is slower.
    // An accepted risk whose expiry passed is open again (as effectiveStatusSql), judged at asOf
    // so every figure of one answer describes the same instant.
    let problems = `select s.client_id, s.first_seen, f.severity, f.score,
        case when s.status = 'accepted_risk' and s.accepted_until <= ?::timestamptz then 'open' else s.status end as eff,
        s.status = 'fixed' and s.fixed_at >= ?::timestamptz as fixed_in_window,
        extract(epoch from (s.fixed_at - s.first_seen))::float8 / 3600 as ttr_hours
      from findings.finding_state s
      join findings.finding f on f.scan_id = s.last_scan_id and f.fingerprint = s.fingerprint and f.account_id = s.account_id
      where s.account_id = ?`;
    if (clientId) {
      problems += ' and s.client_id = ?';
      params.push(clientId);
    }
    const open = `p.eff in ('open', 'in_progress')`;
    const columns = [
      ...SEVERITIES.map((s) => `count(*) filter (where ${open} and p.severity = '${s}')::int as "open_${s.toLowerCase()}"`),
      `count(*) filter (where p.eff = 'in_progress')::int as in_progress`,
      `count(*) filter (where p.eff = 'accepted_risk')::int as accepted_risk`,
      `count(*) filter (where p.fixed_in_window)::int as fixed`,
      `avg(p.ttr_hours) filter (where p.fixed_in_window) as mean_hours`,
      `percentile_cont(0.5) within group (order by p.ttr_hours) filter (where p.fixed_in_window) as median_hours`,
    ];
    for (const priority of SLA_PRIORITIES) {
      const band = bandSql(priority);
      columns.push(
        `count(*) filter (where ${open} and ${band})::int as "open_p_${priority}"`,
        `count(*) filter (where ${open} and ${band} and p.first_seen < ?::timestamptz)::int as "overdue_p_${priority}"`,
        `min(p.first_seen) filter (where ${open} and ${band}) as "oldest_p_${priority}"`,
      );
      // Overdue once first_seen + slaDays has passed, i.e. first seen before asOf − slaDays.
      params.push(new Date(w.asOf.getTime() - w.slaDays[priority] * 86_400_000));
    }
    const sql = `with p as (${problems}) select p.client_id, ${columns.join(', ')} from p group by p.client_id order by p.client_id`;
    const rows = await this.em.getConnection().execute<RawRow[]>(sql, params);
    return rows.map((r) => toRow(r, w.slaDays));
  }
}

function bandSql(priority: SlaPriority): string {
  const { min, max } = PRIORITY_BANDS[priority];
  return max === null ? `p.score >= ${min}` : `p.score >= ${min} and p.score < ${max}`;
}

function toRow(r: RawRow, slaDays: SlaDays): ClientMetricsRow {
  const open = emptyCounts();
  for (const s of SEVERITIES) {
    const key = s.toLowerCase() as Lowercase<Severity>;
    open[key] = Number(r[`open_${key}`]);
    open.total += open[key];
  }
  return {
    clientId: String(r.client_id),
    open,
    inProgress: Number(r.in_progress),
    acceptedRisk: Number(r.accepted_risk),
    fixed: Number(r.fixed),
    meanHours: nullableNumber(r.mean_hours),
    medianHours: nullableNumber(r.median_hours),
    sla: SLA_PRIORITIES.map((priority) => {
      const oldest = r[`oldest_p_${priority}`];
      return {
        priority,
        slaDays: slaDays[priority],
        open: Number(r[`open_p_${priority}`]),
        overdue: Number(r[`overdue_p_${priority}`]),
        oldestFirstSeen: oldest === null || oldest === undefined ? null : new Date(oldest),
      };
    }),
  };
}

function nullableNumber(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}
