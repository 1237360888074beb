import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { NotFoundError } from '../../../../lib/errors.js';
import { AccountEntity } from '../account/account.entity.js';
import { toAccountType } from '../account/account.mapper.js';
import { AccountType } from '../account/account.type.js';
import type { ClientsContext } from '../context.js';
import { toClientType } from './client.mapper.js';
import { ClientType } from './client.type.js';

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

  @FieldResolver(() => AccountType)
  async account(@Root() client: ClientType, @Ctx() ctx: ClientsContext): Promise<AccountType> {
    const account = await ctx.em.findOne(AccountEntity, { id: ctx.identity.accountId });
    if (!account || client.accountId !== account.id) throw new NotFoundError('Account');
    return toAccountType(account);
  }
}
