import type { EntityManager } from '@mikro-orm/postgresql';
import type { Identity } from '../../../lib/auth/identity.js';
import { tenantOf } from '../../../lib/auth/tenant.js';
import { ClientService } from './client/client.service.js';

/** Per-request context: the caller, its own forked EntityManager and services bound to both. */
export class ClientsContext {
  readonly clients: ClientService;

  constructor(
    readonly identity: Identity,
    readonly em: EntityManager,
  ) {
    this.clients = new ClientService(em, tenantOf(identity));
  }
}
