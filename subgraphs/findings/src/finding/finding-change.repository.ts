import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { Tenant } from '../../../../lib/auth/tenant.js';
import { FindingChangeEntity } from './finding-change.entity.js';

/** Reads the feed-driven finding changes of one tenant, oldest first. */
export class FindingChangeRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly tenant: Tenant,
  ) {}

  /** Changes after `lastId`, of the tenant (narrowed to `clientId` when given), oldest first. */
  after(lastId: number, clientId: string | null, limit: number): Promise<FindingChangeEntity[]> {
    const where: Record<string, unknown> = { accountId: this.tenant.accountId, id: { $gt: lastId } };
    const narrowed = this.tenant.clientId ?? clientId;
    if (narrowed) where.clientId = narrowed;
    return this.em.find(FindingChangeEntity, where as FilterQuery<FindingChangeEntity>, { orderBy: { id: 'asc' }, limit });
  }

  /** The newest change id of any tenant: where a live-only stream starts (ids are global). */
  async newestId(): Promise<number> {
    const rows = await this.em.getConnection().execute<{ id: string | null }[]>('select max(id)::text as id from findings.finding_change');
    return Number(rows[0]?.id ?? 0);
  }
}
