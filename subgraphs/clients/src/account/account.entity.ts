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
  },
});
export class AccountEntity extends AccountSchema.class {}
AccountSchema.setClass(AccountEntity);
