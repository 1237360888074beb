import { randomBytes } from 'node:crypto';
import { openModuleOrm } from '../../lib/db/orm.js';
import { generateApiKey, hashCredential, keyPreview } from '../../lib/auth/api-key.js';
import { SCOPES } from '../../lib/auth/tenant.js';
import { ClientEntity, clientNameKey } from '../../subgraphs/clients/src/client/client.entity.js';
import { ApiKeyEntity } from '../../subgraphs/clients/src/credential/api-key.entity.js';
import { clientsDb, CredentialService } from '../../subgraphs/clients/src/module.js';
import { recordIssuedToken } from '../support/token-audit.js';

export interface SeededTenant {
  accountId: string;
  apiKey: string;
  defaultClientId: string;
}

/** A new account with an all-scopes API key, so each test owns its tenant (Hive's createOwner). */
export async function seedTenant(databaseUrl: string, name = `Account ${randomBytes(3).toString('hex')}`): Promise<SeededTenant> {
  const orm = await openModuleOrm(clientsDb, { url: databaseUrl, poolMax: 1 });
  try {
    const tenant = await new CredentialService(orm.em.fork(), 'fxv_').createAccountWithKey(name);
    recordIssuedToken(tenant.apiKey);
    return tenant;
  } finally {
    await orm.close();
  }
}

/**
 * Another client of `accountId` with a key narrowed to it (all scopes unless given), written through the
 * clients module's entities until the API to create them lands.
 */
export async function seedClientWithKey(databaseUrl: string, accountId: string, name: string, scopes: readonly string[] = SCOPES): Promise<{ clientId: string; apiKey: string }> {
  const orm = await openModuleOrm(clientsDb, { url: databaseUrl, poolMax: 1 });
  try {
    const em = orm.em.fork();
    const apiKey = generateApiKey();
    const client = em.create(ClientEntity, { accountId, name, nameKey: clientNameKey(name) });
    em.create(ApiKeyEntity, { accountId, clientId: client.id, name: `${name} key`, keyHash: hashCredential(apiKey), preview: keyPreview(apiKey), scopes: [...scopes] });
    await em.flush();
    recordIssuedToken(apiKey);
    return { clientId: client.id, apiKey };
  } finally {
    await orm.close();
  }
}
