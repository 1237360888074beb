import { defineEntity, p } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';

/** An organisation whose assets are scanned; owned by exactly one account. */
export const ClientSchema = defineEntity({
  name: 'Client',
  tableName: 'client',
  schema: 'clients',
  uniques: [{ name: 'client_account_name_unique', properties: ['accountId', 'nameKey'] }],
  indexes: [{ name: 'client_account_created_idx', properties: ['accountId', 'createdAt', 'id'] }],
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    accountId: p.uuid(),
    name: p.string().length(200),
    /** Case-folded name: "Acme Corp" and "acme corp" are one client. */
    nameKey: p.string().length(200),
    email: p.string().length(320).nullable(),
    company: p.string().length(200).nullable(),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
  },
});
export class ClientEntity extends ClientSchema.class {}
ClientSchema.setClass(ClientEntity);

export function clientNameKey(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}
