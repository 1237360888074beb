import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';
import type { IssuedClientToken } from '../../../../lib/auth/client-token.js';
import type { Identity } from '../../../../lib/auth/identity.js';
import { requireScope, tenantOf } from '../../../../lib/auth/tenant.js';
import { ConflictError, ForbiddenError } from '../../../../lib/errors.js';
import type { PlanSpec, Tier } from '../../../billing/src/module.js';
import { ClientTokenService } from '../credential/client-token.service.js';
import type { ClientsDeps } from '../deps.js';
import { parseInput } from '../validation.js';
import { createClientSchema, updateClientSchema, type CreateClientArgs } from './client.input.js';
import { ClientRepository } from './client.repository.js';
import { ClientService } from './client.service.js';
import type { ClientEntity } from './client.entity.js';

/** A client registered with a plan and its token (the token is shown once). */
export interface RegisteredClient {
  client: ClientEntity;
  token: IssuedClientToken;
  plan: PlanSpec;
}

/**
 * Creating and changing clients. Needs `clients:admin`; creating needs an account-wide credential,
 * since a client-scoped one must never reach beyond its client.
 */
export class ClientAdminService {
  constructor(
    private readonly em: EntityManager,
    private readonly identity: Identity,
    private readonly deps: ClientsDeps,
  ) {}

  async create(input: unknown): Promise<ClientEntity> {
    const args = this.authorizeCreate(input);
    const client = await new ClientRepository(this.em, tenantOf(this.identity)).insert(args);
    if (!client) throw nameTaken();
    return client;
  }

  async update(id: string, input: unknown): Promise<ClientEntity> {
    requireScope(this.identity, 'clients:admin');
    const service = new ClientService(this.em, tenantOf(this.identity));
    const client = await service.get(id);
    const changes = parseInput(updateClientSchema, input ?? {});
    if (!(await new ClientRepository(this.em, tenantOf(this.identity)).update(client, changes))) throw nameTaken();
    this.em.clear();
    return service.get(id);
  }

  /**
   * A new client on `tier` with a client token. The plan is set first, for the client's id drawn
   * up front, and outside the clients transaction (MikroORM resolves every module's
   * EntityManager to the open transaction's, so billing must not be called inside it); then the
   * client and its token are stored together. A name lost to a concurrent registration leaves at
   * most a plan row for a client id that never exists.
   */
  async register(input: unknown, tier: Tier | null | undefined): Promise<RegisteredClient> {
    const args = this.authorizeCreate(input);
    const tenant = tenantOf(this.identity);
    if (await new ClientRepository(this.em, tenant).findByName(args.name)) throw nameTaken();
    const id = uuidv7();
    const plan = await this.deps.plans.assign(tenant.accountId, id, tier ?? this.deps.plans.defaultTier);
    return this.em.transactional(async (em) => {
      const client = await new ClientRepository(em, tenant).insert({ ...args, id });
      if (!client) throw nameTaken();
      const tokens = new ClientTokenService(em, this.identity, this.deps.tokenSigner, this.deps.tokenTtlSeconds);
      const token = await tokens.issue(em, client.accountId, client.id);
      return { client, token, plan };
    });
  }

  private authorizeCreate(input: unknown): CreateClientArgs {
    requireScope(this.identity, 'clients:admin');
    if (this.identity.clientId) throw new ForbiddenError('A client-scoped credential cannot create clients');
    return parseInput(createClientSchema, input);
  }
}

function nameTaken(): ConflictError {
  return new ConflictError('The account already has a client of that name');
}
