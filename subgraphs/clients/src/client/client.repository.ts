import type { EntityManager } from '@mikro-orm/postgresql';
import type { Tenant } from '../../../../lib/auth/tenant.js';
import { uuidv7 } from 'uuidv7';
import { ClientEntity, clientNameKey } from './client.entity.js';

/** The only place that queries clients; every query is narrowed to the tenant. */
export class ClientRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly tenant: Tenant,
  ) {}

  private scope(): Record<string, string> {
    return this.tenant.clientId
      ? { accountId: this.tenant.accountId, id: this.tenant.clientId }
      : { accountId: this.tenant.accountId };
  }

  findById(id: string): Promise<ClientEntity | null> {
    if (this.tenant.clientId && this.tenant.clientId !== id) return Promise.resolve(null);
    return this.em.findOne(ClientEntity, { accountId: this.tenant.accountId, id });
  }

  findByIds(ids: string[]): Promise<ClientEntity[]> {
    const allowed = this.tenant.clientId ? ids.filter((id) => id === this.tenant.clientId) : ids;
    if (allowed.length === 0) return Promise.resolve([]);
    return this.em.find(ClientEntity, { accountId: this.tenant.accountId, id: { $in: allowed } });
  }

  findByName(name: string): Promise<ClientEntity | null> {
    return this.em.findOne(ClientEntity, { ...this.scope(), nameKey: clientNameKey(name) });
  }

  list(limit: number): Promise<ClientEntity[]> {
    return this.em.find(ClientEntity, this.scope(), { orderBy: { createdAt: 'desc', id: 'desc' }, limit });
  }

  /** Insert-or-get by name in one statement, safe under concurrent callers. */
  async upsertByName(name: string): Promise<ClientEntity> {
    const nameKey = clientNameKey(name);
    await this.em
      .createQueryBuilder(ClientEntity)
      .insert({ id: uuidv7(), accountId: this.tenant.accountId, name: name.trim(), nameKey, createdAt: new Date() })
      .onConflict(['accountId', 'nameKey'])
      .ignore()
      .execute();
    return (await this.findByName(name))!;
  }
}
