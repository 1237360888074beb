import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { Tenant } from '../../../../lib/auth/tenant.js';
import { keysetBefore } from '../../../../lib/db/keyset.js';
import type { Cursor } from '../../../../lib/graphql/cursor.js';
import { ScanEntity, ScanEventEntity } from './scan.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The only place that queries scans; every query is narrowed to the tenant. */
export class ScanRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly tenant: Tenant,
  ) {}

  private scope(): Record<string, string> {
    return this.tenant.clientId ? { accountId: this.tenant.accountId, clientId: this.tenant.clientId } : { accountId: this.tenant.accountId };
  }

  findById(id: string): Promise<ScanEntity | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return this.em.findOne(ScanEntity, { ...this.scope(), id }, { disableIdentityMap: true });
  }

  /** Keyset page on (created_at, id) descending; one extra row tells whether more exist. */
  page(first: number, after: Cursor | null): Promise<ScanEntity[]> {
    const keyset = after ? keysetBefore('created_at', after.createdAt, 'timestamptz', after.id) : {};
    return this.em.find(ScanEntity, { $and: [this.scope(), keyset] } as FilterQuery<ScanEntity>, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      limit: first + 1,
    });
  }

  /** The newest recorded state of a scan the tenant owns. */
  latestEvent(scanId: string): Promise<ScanEventEntity | null> {
    return this.em.findOne(ScanEventEntity, { scanId }, { orderBy: { revision: 'desc' }, disableIdentityMap: true });
  }

  /** Events after revision `after`, oldest first, at most `limit` (read again for more). */
  eventsAfter(scanId: string, after: number, limit = 500): Promise<ScanEventEntity[]> {
    return this.em.find(ScanEventEntity, { scanId, revision: { $gt: after } }, { orderBy: { revision: 'asc' }, limit, disableIdentityMap: true });
  }
}
