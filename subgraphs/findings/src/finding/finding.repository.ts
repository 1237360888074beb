import { raw, type EntityManager, type FilterQuery } from '@mikro-orm/postgresql';
import type { Tenant } from '../../../../lib/auth/tenant.js';
import { keysetBefore } from '../../../../lib/db/keyset.js';
import { FindingEntity, SEVERITIES, type Severity } from './finding.entity.js';

export interface FindingQuery {
  scanId?: string | null;
  clientId?: string | null;
  severities?: Severity[] | null;
  checkId?: string | null;
  since?: Date | null;
  cve?: string | null;
  kev?: boolean | null;
  target?: string | null;
  /** Lifecycle statuses (open, in_progress, fixed, accepted_risk) of the finding's problem. */
  statuses?: string[] | null;
  /** Only findings scoring at least this (0-10). */
  minScore?: number | null;
}

/** NEWEST: (created_at, id) descending; SCORE: (score, id) descending, worst first. */
export type FindingOrder = 'NEWEST' | 'SCORE';

/** A keyset position in either order. */
export type FindingCursor = { order: 'NEWEST'; createdAt: Date; id: string } | { order: 'SCORE'; score: number; id: string };

export type SeverityCounts = Record<Lowercase<Severity>, number> & { total: number };

/** The only place that queries findings; every query carries the tenant. */
export class FindingRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly tenant: Tenant,
  ) {}

  private where(q: FindingQuery): FilterQuery<FindingEntity> | null {
    if (this.tenant.clientId && q.clientId && q.clientId !== this.tenant.clientId) return null;
    const where: Record<string, unknown> = { accountId: this.tenant.accountId };
    const clientId = this.tenant.clientId ?? q.clientId;
    if (clientId) where.clientId = clientId;
    if (q.scanId) where.scanId = q.scanId;
    if (q.severities?.length) where.severity = { $in: q.severities };
    if (q.checkId) where.checkId = q.checkId;
    if (q.since) where.createdAt = { $gte: q.since };
    if (q.cve) where.cveIds = { $contains: [q.cve.trim().toUpperCase()] };
    if (q.statuses?.length) where[raw(effectiveStatusSql) as unknown as string] = { $in: q.statuses };
    if (q.kev !== undefined && q.kev !== null) where[raw(inKevSql) as unknown as string] = q.kev;
    if (q.minScore !== undefined && q.minScore !== null) where.score = { $gte: q.minScore };
    if (q.target) where.target = { $like: `${q.target.replace(/[\\%_]/g, '\\$&')}%` };
    return where as FilterQuery<FindingEntity>;
  }

  /** One finding of the tenant by id; null when unknown or another tenant's. */
  async findById(id: string): Promise<FindingEntity | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const where = this.where({});
    if (!where) return null;
    return this.em.findOne(FindingEntity, { ...(where as object), id } as FilterQuery<FindingEntity>);
  }

  /** Findings of the tenant among `ids` (others' are left out). */
  async findByIds(ids: string[]): Promise<FindingEntity[]> {
    const valid = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    const where = this.where({});
    if (!where || valid.length === 0) return [];
    return this.em.find(FindingEntity, { ...(where as object), id: { $in: valid } } as FilterQuery<FindingEntity>);
  }

  /** Keyset page, newest or worst first; fetches one extra row to know if more exist. */
  async page(q: FindingQuery, first: number, after: FindingCursor | null, order: FindingOrder = 'NEWEST'): Promise<FindingEntity[]> {
    const where = this.where(q);
    if (!where) return [];
    let keyset = {};
    if (after?.order === 'NEWEST') keyset = keysetBefore('created_at', after.createdAt, 'timestamptz', after.id);
    if (after?.order === 'SCORE') keyset = keysetBefore('score', after.score, 'float8', after.id);
    return this.em.find(FindingEntity, { $and: [where, keyset] } as FilterQuery<FindingEntity>, {
      orderBy: order === 'SCORE' ? { score: 'desc', id: 'desc' } : { createdAt: 'desc', id: 'desc' },
      limit: first + 1,
    });
  }

  /** Severity counts for each of several scans, in one query. */
  async countsByScan(scanIds: string[]): Promise<Map<string, SeverityCounts>> {
    const result = new Map<string, SeverityCounts>();
    for (const id of scanIds) result.set(id, emptyCounts());
    if (scanIds.length === 0) return result;
    const params: unknown[] = [this.tenant.accountId, ...scanIds];
    let sql = `select scan_id, severity, count(*)::int as n from findings.finding where account_id = ? and scan_id in (${scanIds.map(() => '?').join(', ')})`;
    if (this.tenant.clientId) {
      sql += ' and client_id = ?';
      params.push(this.tenant.clientId);
    }
    sql += ' group by scan_id, severity';
    const rows = await this.em.getConnection().execute<{ scan_id: string; severity: Severity; n: number }[]>(sql, params);
    for (const row of rows) {
      const c = result.get(row.scan_id)!;
      c[row.severity.toLowerCase() as Lowercase<Severity>] += row.n;
      c.total += row.n;
    }
    return result;
  }

  /** Severity counts per check category (the check id's `<category>` prefix) of one scan, by category. */
  async countsByCategory(scanId: string): Promise<Map<string, SeverityCounts>> {
    const result = new Map<string, SeverityCounts>();
    const params: unknown[] = [this.tenant.accountId, scanId];
    let sql = `select split_part(check_id, '.', 1) as category, severity, count(*)::int as n from findings.finding where account_id = ? and scan_id = ?`;
    if (this.tenant.clientId) {
      sql += ' and client_id = ?';
      params.push(this.tenant.clientId);
    }
    sql += ' group by 1, 2 order by 1';
    const rows = await this.em.getConnection().execute<{ category: string; severity: Severity; n: number }[]>(sql, params);
    for (const row of rows) {
      const c = result.get(row.category) ?? emptyCounts();
      c[row.severity.toLowerCase() as Lowercase<Severity>] += row.n;
      c.total += row.n;
      result.set(row.category, c);
    }
    return result;
  }

  /**
   * The tenant's clients with findings matching `q`, most findings first: the MSP's question
   * "which of my clients have a KEV finding, or CVE-X?". One grouped query.
   */
  async clientsAffected(q: FindingQuery): Promise<{ clientId: string; findings: number; lastFoundAt: Date }[]> {
    const params: unknown[] = [this.tenant.accountId];
    let sql = 'select client_id as "clientId", count(*)::int as findings, max(created_at) as "lastFoundAt" from findings.finding f where account_id = ?';
    if (this.tenant.clientId) {
      sql += ' and client_id = ?';
      params.push(this.tenant.clientId);
    }
    if (this.tenant.clientId && q.clientId && q.clientId !== this.tenant.clientId) return [];
    if (q.clientId && !this.tenant.clientId) {
      sql += ' and client_id = ?';
      params.push(q.clientId);
    }
    if (q.scanId) {
      sql += ' and scan_id = ?';
      params.push(q.scanId);
    }
    if (q.target) {
      sql += ` and target like ? escape '\\'`;
      params.push(`${q.target.replace(/[\\%_]/g, '\\$&')}%`);
    }
    if (q.cve) {
      sql += ' and ?::text = any(cve_ids)';
      params.push(q.cve.trim().toUpperCase());
    }
    if (q.statuses?.length) {
      sql += ` and ${effectiveStatusSql('f')} in (${q.statuses.map(() => '?').join(', ')})`;
      params.push(...q.statuses);
    }
    if (q.minScore !== undefined && q.minScore !== null) {
      sql += ' and score >= ?';
      params.push(q.minScore);
    }
    if (q.kev !== undefined && q.kev !== null) sql += ` and ${inKevSql('f')} = ${q.kev ? 'true' : 'false'}`;
    if (q.severities?.length) {
      sql += ` and severity in (${q.severities.map(() => '?').join(', ')})`;
      params.push(...q.severities);
    }
    if (q.checkId) {
      sql += ' and check_id = ?';
      params.push(q.checkId);
    }
    if (q.since) {
      sql += ' and created_at >= ?';
      params.push(q.since);
    }
    sql += ' group by client_id order by findings desc, client_id';
    const rows = await this.em.getConnection().execute<{ clientId: string; findings: number; lastFoundAt: Date | string }[]>(sql, params);
    return rows.map((r) => ({ ...r, lastFoundAt: new Date(r.lastFoundAt) }));
  }
}

/** A finding's effective status: its problem's state, open without one, open again once an accepted risk lapsed. */
function effectiveStatusSql(alias: string): string {
  return `coalesce((select case when s.status = 'accepted_risk' and s.accepted_until <= now() then 'open' else s.status end from findings.finding_state s where s.client_id = ${alias}.client_id and s.fingerprint = ${alias}.fingerprint), 'open')`;
}

/** Whether one of a finding's CVEs is in the loaded KEV catalogue. */
function inKevSql(alias: string): string {
  return `exists (select 1 from findings.intel_kev k where k.cve_id = any(${alias}.cve_ids))`;
}

export function emptyCounts(): SeverityCounts {
  const c = { total: 0 } as SeverityCounts;
  for (const s of SEVERITIES) c[s.toLowerCase() as Lowercase<Severity>] = 0;
  return c;
}
