import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { Tenant } from '../../../../lib/auth/tenant.js';
import type { Cursor } from '../../../../lib/graphql/cursor.js';
import { FindingEntity, SEVERITIES, type Severity } from './finding.entity.js';

export interface FindingQuery {
  scanId?: string | null;
  clientId?: string | null;
  severities?: Severity[] | null;
  checkId?: string | null;
  since?: Date | null;
}

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
    return where as FilterQuery<FindingEntity>;
  }

  /** One finding of the tenant by id; null when unknown or another tenant's. */
  async findById(id: string): Promise<FindingEntity | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const where = this.where({});
    if (!where) return null;
    return this.em.findOne(FindingEntity, { ...(where as object), id } as FilterQuery<FindingEntity>);
  }

  /** Keyset page on (created_at, id) descending; fetches one extra row to know if more exist. */
  async page(q: FindingQuery, first: number, after: Cursor | null): Promise<FindingEntity[]> {
    const where = this.where(q);
    if (!where) return [];
    const keyset = after
      ? { $or: [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, id: { $lt: after.id } }] }
      : {};
    return this.em.find(FindingEntity, { $and: [where, keyset] } as FilterQuery<FindingEntity>, {
      orderBy: { createdAt: 'desc', id: 'desc' },
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
}

export function emptyCounts(): SeverityCounts {
  const c = { total: 0 } as SeverityCounts;
  for (const s of SEVERITIES) c[s.toLowerCase() as Lowercase<Severity>] = 0;
  return c;
}
