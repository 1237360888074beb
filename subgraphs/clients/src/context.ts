import type { EntityManager } from '@mikro-orm/postgresql';
import type { Identity } from '../../../lib/auth/identity.js';
import { tenantOf } from '../../../lib/auth/tenant.js';
import { ClientAdminService } from './client/client-admin.service.js';
import { ClientService } from './client/client.service.js';
import { ApiKeyService } from './credential/api-key.service.js';
import { ClientTokenService } from './credential/client-token.service.js';
import type { ClientsDeps } from './deps.js';

/** Per-request context: the caller, its own forked EntityManager and services bound to both. */
export class ClientsContext {
  readonly clients: ClientService;
  readonly clientAdmin: ClientAdminService;
  readonly apiKeys: ApiKeyService;
  readonly clientTokens: ClientTokenService;

  constructor(
    readonly identity: Identity,
    readonly em: EntityManager,
    deps: ClientsDeps,
  ) {
    this.clients = new ClientService(em, tenantOf(identity));
    this.clientAdmin = new ClientAdminService(em, identity, deps);
    this.apiKeys = new ApiKeyService(em, identity, deps.keyPrefix);
    this.clientTokens = new ClientTokenService(em, identity, deps.tokenSigner, deps.tokenTtlSeconds);
  }
}
