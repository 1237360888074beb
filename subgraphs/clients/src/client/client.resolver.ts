import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { NotFoundError } from '../../../../lib/errors.js';
import { AccountEntity } from '../account/account.entity.js';
import { toAccountType } from '../account/account.mapper.js';
import { AccountType } from '../account/account.type.js';
import type { ClientsContext } from '../context.js';
import { TierEnum } from './client-tier.enum.js';
import { CreateClientInput, RegisterClientInput, UpdateClientInput } from './client.input.js';
import { toClientType } from './client.mapper.js';
import { ClientType } from './client.type.js';
import { RegisteredClientType } from './registered-client.type.js';

@Resolver(() => ClientType)
export class ClientResolver {
  @Query(() => ClientType, { nullable: true, description: 'A client of the caller; null when unknown or foreign.' })
  async client(@Arg('id', () => ID) id: string, @Ctx() ctx: ClientsContext): Promise<ClientType | null> {
    const c = await ctx.clients.find(id);
    return c ? toClientType(c) : null;
  }

  @Query(() => [ClientType], { description: 'Clients the caller can see, newest first.' })
  async clients(@Arg('first', () => Int, { nullable: true }) first: number | null, @Ctx() ctx: ClientsContext): Promise<ClientType[]> {
    return (await ctx.clients.list(first ?? 100)).map(toClientType);
  }

  @Mutation(() => ClientType, { description: 'A new client in the caller\'s account (clients:admin, account-wide credential).' })
  async createClient(@Arg('input', () => CreateClientInput) input: CreateClientInput, @Ctx() ctx: ClientsContext): Promise<ClientType> {
    return toClientType(await ctx.clientAdmin.create(input));
  }

  @Mutation(() => ClientType, { description: 'Changes a client the caller can see (clients:admin).' })
  async updateClient(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateClientInput) input: UpdateClientInput,
    @Ctx() ctx: ClientsContext,
  ): Promise<ClientType> {
    return toClientType(await ctx.clientAdmin.update(id, input));
  }

  @Mutation(() => RegisteredClientType, { description: 'A new client on a tier, with its client token, shown once (clients:admin, account-wide credential).' })
  async registerClient(@Arg('input', () => RegisterClientInput) input: RegisterClientInput, @Ctx() ctx: ClientsContext): Promise<RegisteredClientType> {
    const { tier, ...client } = input;
    const r = await ctx.clientAdmin.register(client, tier ?? null);
    return Object.assign(new RegisteredClientType(), {
      clientId: r.client.id,
      client: toClientType(r.client),
      token: r.token.token,
      jti: r.token.jti,
      expiresAt: r.token.expiresAt,
      tier: r.plan.tier as TierEnum,
      scanLimit: r.plan.scanLimit,
    });
  }

  @FieldResolver(() => AccountType)
  async account(@Root() client: ClientType, @Ctx() ctx: ClientsContext): Promise<AccountType> {
    const account = await ctx.em.findOne(AccountEntity, { id: ctx.identity.accountId });
    if (!account || client.accountId !== account.id) throw new NotFoundError('Account');
    return toAccountType(account);
  }
}
