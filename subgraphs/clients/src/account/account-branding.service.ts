import type { EntityManager } from '@mikro-orm/postgresql';
import type { Identity } from '../../../../lib/auth/identity.js';
import { requireScope } from '../../../../lib/auth/tenant.js';
import { ForbiddenError, NotFoundError } from '../../../../lib/errors.js';
import { parseInput } from '../validation.js';
import { accountBrandingSchema } from './account-branding.input.js';
import { AccountEntity } from './account.entity.js';

/**
 * The white-label fields of the caller's own account. Changing them needs `clients:admin` on an
 * account-wide credential: a client-scoped one must not restyle what every other client receives.
 */
export class AccountBrandingService {
  constructor(
    private readonly em: EntityManager,
    private readonly identity: Identity,
  ) {}

  /** The caller's account with its lazy logo loaded; NOT_FOUND for any other account id. */
  async load(accountId: string): Promise<AccountEntity> {
    if (accountId !== this.identity.accountId) throw new NotFoundError('Account');
    const account = await this.em.findOne(AccountEntity, { id: accountId }, { populate: ['brandLogoDataUrl'], refresh: true });
    if (!account) throw new NotFoundError('Account');
    return account;
  }

  async update(input: unknown): Promise<AccountEntity> {
    requireScope(this.identity, 'clients:admin');
    if (this.identity.clientId) throw new ForbiddenError('A client-scoped credential cannot change the account branding');
    const args = parseInput(accountBrandingSchema, input ?? {});
    const changes: Partial<Pick<AccountEntity, 'brandDisplayName' | 'brandLogoDataUrl' | 'brandAccentColor'>> = {};
    if (args.displayName !== undefined) changes.brandDisplayName = args.displayName;
    if (args.logoDataUrl !== undefined) changes.brandLogoDataUrl = args.logoDataUrl;
    if (args.accentColor !== undefined) changes.brandAccentColor = args.accentColor;
    if (Object.keys(changes).length > 0) {
      const updated = await this.em.nativeUpdate(AccountEntity, { id: this.identity.accountId }, changes);
      if (updated === 0) throw new NotFoundError('Account');
    }
    return this.load(this.identity.accountId);
  }
}
