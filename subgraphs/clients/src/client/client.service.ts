import type { EntityManager } from '@mikro-orm/postgresql';
import type { Tenant } from '../../../../lib/auth/tenant.js';
import { BadUserInputError, NotFoundError } from '../../../../lib/errors.js';
import { ClientRepository } from './client.repository.js';
import { clientNameKey, type ClientEntity } from './client.entity.js';

/** Name of the client that scans without a `clientName` label land in. */
export const DEFAULT_CLIENT_NAME = 'Default';

/** Rules about clients: which one a scan belongs to, who may see which. */
export class ClientService {
  private readonly repo: ClientRepository;

  constructor(
    em: EntityManager,
    private readonly tenant: Tenant,
  ) {
    this.repo = new ClientRepository(em, tenant);
  }

  async get(id: string): Promise<ClientEntity> {
    const client = await this.repo.findById(id);
    if (!client) throw new NotFoundError('Client');
    return client;
  }

  find(id: string): Promise<ClientEntity | null> {
    return this.repo.findById(id);
  }

  findMany(ids: string[]): Promise<ClientEntity[]> {
    return this.repo.findByIds(ids);
  }

  list(limit = 100): Promise<ClientEntity[]> {
    return this.repo.list(clampLimit(limit));
  }

  /**
   * The client a new scan belongs to. A client-scoped credential always uses its own client (a
   * different `clientName` is refused); an account credential selects, or creates, the client of
   * that name in its account (Fix First's `client_name` label), or the account's default client.
   */
  async resolveForScan(clientName: string | null | undefined): Promise<ClientEntity> {
    const label = clientName?.trim();
    if (this.tenant.clientId) {
      const own = await this.get(this.tenant.clientId);
      if (label && own.nameKey !== clientNameKey(label)) {
        throw new BadUserInputError([{ field: 'clientName', message: 'this credential is limited to its own client' }]);
      }
      return own;
    }
    if (label && label.length > 200) {
      throw new BadUserInputError([{ field: 'clientName', message: 'must be at most 200 characters' }]);
    }
    return this.repo.upsertByName(label || DEFAULT_CLIENT_NAME);
  }
}

function clampLimit(limit: number): number {
  return Number.isInteger(limit) && limit > 0 ? Math.min(limit, 500) : 100;
}
