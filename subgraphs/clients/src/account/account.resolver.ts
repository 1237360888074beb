import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { ClientsContext } from '../context.js';
import { AccountBrandingInput } from './account-branding.input.js';
import { AccountBrandingService } from './account-branding.service.js';
import { toAccountBrandingType, toAccountType } from './account.mapper.js';
import { AccountBrandingType, AccountType } from './account.type.js';

/**
 * One load of the branding per request: every Account a caller can reach is its own, so
 * `clients { account { branding } } }` must not read the (up to ~270 KB) logo once per client.
 */
const perRequest = new WeakMap<ClientsContext, Promise<AccountBrandingType>>();

@Resolver(() => AccountType)
export class AccountResolver {
  @FieldResolver(() => AccountBrandingType, { description: 'White-label fields of the reports (updateAccountBranding).' })
  branding(@Root() account: AccountType, @Ctx() ctx: ClientsContext): Promise<AccountBrandingType> {
    let loaded = perRequest.get(ctx);
    if (!loaded) {
      // Read on demand: the logo is a lazy column, loaded only when a report or a client asks.
      loaded = new AccountBrandingService(ctx.em, ctx.identity).load(account.id).then(toAccountBrandingType);
      perRequest.set(ctx, loaded);
    }
    return loaded;
  }

  @Mutation(() => AccountType, {
    description: "Sets the white-label fields of the caller's account used by reports (clients:admin, account-wide credential). Absent fields stay; null clears.",
  })
  async updateAccountBranding(@Arg('input', () => AccountBrandingInput) input: AccountBrandingInput, @Ctx() ctx: ClientsContext): Promise<AccountType> {
    const account = await new AccountBrandingService(ctx.em, ctx.identity).update({ ...input });
    // A later field of the same operation must see the new branding, not one read before it.
    perRequest.set(ctx, Promise.resolve(toAccountBrandingType(account)));
    return toAccountType(account);
  }
}
