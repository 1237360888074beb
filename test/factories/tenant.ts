import { randomBytes } from 'node:crypto';
import { openModuleOrm } from '../../lib/db/orm.js';
import { clientsDb, CredentialService } from '../../subgraphs/clients/src/module.js';

export interface SeededTenant {
  accountId: string;
  apiKey: string;
  defaultClientId: string;
}

/** A new account with an all-scopes API key, so each test owns its tenant (Hive's createOwner). */
export async function seedTenant(databaseUrl: string, name = `Account ${randomBytes(3).toString('hex')}`): Promise<SeededTenant> {
  const orm = await openModuleOrm(clientsDb, { url: databaseUrl, poolMax: 1 });
  try {
    return await new CredentialService(orm.em.fork(), 'fxv_').createAccountWithKey(name);
  } finally {
    await orm.close();
  }
}
