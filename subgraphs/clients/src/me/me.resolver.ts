import { Ctx, Query, Resolver } from 'type-graphql';
import { NotFoundError } from '../../../../lib/errors.js';
import { AccountEntity } from '../account/account.entity.js';
import { toAccountType } from '../account/account.mapper.js';
import { toClientType } from '../client/client.mapper.js';
import type { ClientsContext } from '../context.js';
import { MeType } from './me.type.js';

@Resolver(() => MeType)
export class MeResolver {
  @Query(() => MeType, { description: "The caller's identity: account, client (for client-scoped credentials) and scopes." })
  async me(@Ctx() ctx: ClientsContext): Promise<MeType> {
    const account = await ctx.em.findOne(AccountEntity, { id: ctx.identity.accountId });
    if (!account) throw new NotFoundError('Account');
    const client = ctx.identity.clientId ? await ctx.clients.find(ctx.identity.clientId) : null;
    return Object.assign(new MeType(), {
      account: toAccountType(account),
      client: client ? toClientType(client) : null,
      scopes: ctx.identity.scopes,
      credentialId: ctx.identity.credentialId,
    });
  }
}
