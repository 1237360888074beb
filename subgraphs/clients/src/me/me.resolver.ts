import { Ctx, Query, Resolver } from 'type-graphql';
import { NotFoundError } from '../../../../lib/errors.js';
import { AccountEntity } from '../account/account.entity.js';
import { toAccountType } from '../account/account.mapper.js';
import { toClientType } from '../client/client.mapper.js';
import type { ClientsContext } from '../context.js';
import { ApiKeyEntity } from '../credential/api-key.entity.js';
import { ClientTokenEntity } from '../credential/client-token.entity.js';
import { isUuid } from '../validation.js';
import { CredentialKindEnum, MeType } from './me.type.js';

@Resolver(() => MeType)
export class MeResolver {
  @Query(() => MeType, { description: "The caller's identity: account, client (for client-scoped credentials), scopes and credential." })
  async me(@Ctx() ctx: ClientsContext): Promise<MeType> {
    const { identity, em } = ctx;
    const account = await em.findOne(AccountEntity, { id: identity.accountId });
    if (!account) throw new NotFoundError('Account');
    const client = identity.clientId ? await ctx.clients.find(identity.clientId) : null;
    const isToken = identity.credentialKind === 'client_token';
    const where = { id: identity.credentialId, accountId: identity.accountId };
    const known = isUuid(identity.credentialId);
    const key = known && !isToken ? await em.findOne(ApiKeyEntity, where) : null;
    const token = known && isToken ? await em.findOne(ClientTokenEntity, where) : null;
    return Object.assign(new MeType(), {
      account: toAccountType(account),
      client: client ? toClientType(client) : null,
      scopes: identity.scopes,
      credentialId: identity.credentialId,
      credentialKind: isToken ? CredentialKindEnum.CLIENT_TOKEN : CredentialKindEnum.API_KEY,
      keyName: key?.name ?? null,
      keyPreview: key?.preview ?? null,
      expiresAt: (key ?? token)?.expiresAt ?? null,
    });
  }
}
