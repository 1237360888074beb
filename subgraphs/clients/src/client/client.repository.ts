import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import type { Tenant } from '../../../../lib/auth/tenant.js';
import { uuidv7 } from 'uuidv7';
import { isUuid } from '../validation.js';
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
    if (!isUuid(id) || (this.tenant.clientId && this.tenant.clientId !== id)) return Promise.resolve(null);
    return this.em.findOne(ClientEntity, { accountId: this.tenant.accountId, id });
  }

  findByIds(ids: string[]): Promise<ClientEntity[]> {
    const allowed = this.tenant.clientId ? ids.filter((id) => id === this.tenant.clientId) : ids.filter(isUuid);
    if (allowed.length === 0) return Promise.resolve([]);
    return this.em.find(ClientEntity, { accountId: this.tenant.accountId, id: { $in: allowed } });
  }

  findByName(name: string): Promise<ClientEntity | null> {
    return this.em.findOne(ClientEntity, { ...this.scope(), nameKey: clientNameKey(name) });
  }

  list(limit: number): Promise<ClientEntity[]> {
    return this.em.find(ClientEntity, this.scope(), { orderBy: { createdAt: 'desc', id: 'desc' }, limit });
  }

  /** Inserts a new client of the account; null when the account already has one of that name. */
  async insert(fields: { id?: string; name: string; email: string | null; company: string | null }): Promise<ClientEntity | null> {
    const id = fields.id ?? uuidv7();
    const result = await this.em
      .createQueryBuilder(ClientEntity)
      .insert({ id, accountId: this.tenant.accountId, name: fields.name, nameKey: clientNameKey(fields.name), email: fields.email, company: fields.company, createdAt: new Date() })
      .onConflict(['accountId', 'nameKey'])
      .ignore()
      .execute<{ affectedRows: number }>('run');
    if (result.affectedRows === 0) return null;
    return this.em.findOneOrFail(ClientEntity, { id, accountId: this.tenant.accountId });
  }

  /** Applies changes to a client of the tenant; false when the new name is taken in the account. */
  async update(client: ClientEntity, changes: { name?: string; email?: string | null; company?: string | null }): Promise<boolean> {
    const data: Partial<Pick<ClientEntity, 'name' | 'nameKey' | 'email' | 'company'>> = {};
    if (changes.name !== undefined) Object.assign(data, { name: changes.name, nameKey: clientNameKey(changes.name) });
    if (changes.email !== undefined) data.email = changes.email;
    if (changes.company !== undefined) data.company = changes.company;
    if (Object.keys(data).length === 0) return true;
    if (data.nameKey && data.nameKey !== client.nameKey) {
      const taken = await this.em.count(ClientEntity, { accountId: this.tenant.accountId, nameKey: data.nameKey, id: { $ne: client.id } });
      if (taken > 0) return false;
    }
    try {
      await this.em.nativeUpdate(ClientEntity, { id: client.id, accountId: this.tenant.accountId }, data);
    } catch (err) {
      // A concurrent rename to the same name: the unique index decides.
      if (err instanceof UniqueConstraintViolationException) return false;
      throw err;
    }
    return true;
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
