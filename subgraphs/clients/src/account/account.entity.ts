import { defineEntity, p } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';

/** The platform's customer: an MSP or a company. Owns clients and credentials. */
export const AccountSchema = defineEntity({
  name: 'Account',
  tableName: 'account',
  schema: 'clients',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    name: p.string().length(200),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
    // White-label fields of the reports (updateAccountBranding validates them); null: the default.
    brandDisplayName: p.string().length(120).nullable(),
    /**
     * A PNG, JPEG or WebP image as a base64 data URL, at most 200 KB decoded (never SVG). Lazy:
     * up to ~270 KB that only Account.branding reads, not every load of the account.
     */
    brandLogoDataUrl: p.text().nullable().lazy(),
    /** `#rrggbb`, lower case. */
    brandAccentColor: p.string().length(7).nullable(),
  },
});
export class AccountEntity extends AccountSchema.class {}
AccountSchema.setClass(AccountEntity);
