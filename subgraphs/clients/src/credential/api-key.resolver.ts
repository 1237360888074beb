import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { toClientType } from '../client/client.mapper.js';
import { ClientType } from '../client/client.type.js';
import type { ClientsContext } from '../context.js';
import { CreateApiKeyInput } from './api-key.input.js';
import { toApiKeyType } from './api-key.mapper.js';
import { ApiKeyType, CreatedApiKeyType } from './api-key.type.js';

@Resolver(() => ApiKeyType)
export class ApiKeyResolver {
  @Query(() => [ApiKeyType], { description: "API keys in the caller's reach, newest first (clients:admin). Never their plaintext." })
  async apiKeys(
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('includeRevoked', () => Boolean, { nullable: true }) includeRevoked: boolean | null,
    @Ctx() ctx: ClientsContext,
  ): Promise<ApiKeyType[]> {
    return (await ctx.apiKeys.list({ first, includeRevoked })).map(toApiKeyType);
  }

  @Mutation(() => CreatedApiKeyType, { description: 'A new API key (clients:admin); its plaintext is returned this once.' })
  async createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: ClientsContext): Promise<CreatedApiKeyType> {
    const created = await ctx.apiKeys.create(input);
    return Object.assign(new CreatedApiKeyType(), { key: created.plaintext, apiKey: toApiKeyType(created.key) });
  }

  @Mutation(() => ApiKeyType, { description: 'Revokes an API key (clients:admin): refused from the next request on.' })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: ClientsContext): Promise<ApiKeyType> {
    return toApiKeyType(await ctx.apiKeys.revoke(id));
  }

  @Mutation(() => Int, { description: 'Revokes one client token (by jti) or all of a client\'s (clients:admin); returns how many were revoked.' })
  revokeClientToken(
    @Arg('jti', () => String, { nullable: true }) jti: string | null,
    @Arg('clientId', () => ID, { nullable: true }) clientId: string | null,
    @Ctx() ctx: ClientsContext,
  ): Promise<number> {
    return ctx.clientTokens.revoke({ jti, clientId });
  }

  @FieldResolver(() => ClientType, { nullable: true })
  async client(@Root() key: ApiKeyType, @Ctx() ctx: ClientsContext): Promise<ClientType | null> {
    if (!key.clientId) return null;
    const c = await ctx.clients.find(key.clientId);
    return c ? toClientType(c) : null;
  }
}
