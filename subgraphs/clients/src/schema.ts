import { buildFederatedSchema, type FederatedSchema } from '../../../lib/federation/build-subgraph.js';
import { toAccountType } from './account/account.mapper.js';
import { AccountEntity } from './account/account.entity.js';
import { AccountResolver } from './account/account.resolver.js';
import { toClientType } from './client/client.mapper.js';
import { ClientResolver } from './client/client.resolver.js';
import type { ClientsContext } from './context.js';
import { ApiKeyResolver } from './credential/api-key.resolver.js';
import { MeResolver } from './me/me.resolver.js';

/** The clients subgraph: Account (and its branding), Client, me, API keys and client tokens. */
export function buildClientsSchema(): Promise<FederatedSchema> {
  return buildFederatedSchema({
    resolvers: [MeResolver, ClientResolver, ApiKeyResolver, AccountResolver],
    references: {
      Client: async (ref: { id: string }, ctx: ClientsContext) => {
        const c = await ctx.clients.find(ref.id);
        return c ? toClientType(c) : null;
      },
      Account: async (ref: { id: string }, ctx: ClientsContext) => {
        if (ref.id !== ctx.identity.accountId) return null;
        const a = await ctx.em.findOne(AccountEntity, { id: ref.id });
        return a ? toAccountType(a) : null;
      },
    },
  });
}
