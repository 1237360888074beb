import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../../lib/auth/api-key.js';
import { openModuleOrm, type MikroORM } from '../../../lib/db/orm.js';
import { clientsDb, CredentialService } from '../../../subgraphs/clients/src/module.js';
import { createTestDatabase } from '../../support/database.js';

describe('operator bootstrap and key authentication', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM;
  const credentials = () => new CredentialService(orm.em.fork(), 'fxv_');

  beforeAll(async () => {
    db = await createTestDatabase('bootstrap');
    orm = await openModuleOrm(clientsDb, { url: db.url, poolMax: 6 });
  });
  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  it('creates one operator account even when several processes bootstrap at once, using BOOTSTRAP_API_KEY', async () => {
    const key = generateApiKey();
    const results = await Promise.all(Array.from({ length: 4 }, () => credentials().bootstrap({ accountName: 'Operator', bootstrapKey: key })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.accountId)).size).toBe(1);
    expect(results.every((r) => r.generatedKey === null)).toBe(true);
    const who = await credentials().authenticate(key);
    expect(who).toMatchObject({ accountId: results[0]!.accountId, clientId: null });
    expect(who!.scopes).toContain('scans:write');
    const rows = await orm.em.fork().getConnection().execute<{ key_hash: string }[]>('select key_hash from clients.api_key');
    expect(rows.map((r) => r.key_hash)).not.toContain(key);
  });

  it('does nothing on a database that already has an account', async () => {
    const again = await credentials().bootstrap({ accountName: 'Operator' });
    expect(again).toMatchObject({ created: false, generatedKey: null });
  });

  it('refuses a BOOTSTRAP_API_KEY of the wrong shape', async () => {
    await expect(credentials().bootstrap({ accountName: 'x', bootstrapKey: 'secret' })).rejects.toThrow(/fxv_/);
  });

  it('authenticates nothing for unknown, malformed or revoked keys', async () => {
    const { apiKey } = await credentials().createAccountWithKey('Tenant');
    expect(await credentials().authenticate(apiKey)).not.toBeNull();
    expect(await credentials().authenticate(generateApiKey())).toBeNull();
    expect(await credentials().authenticate('fxv_short')).toBeNull();
    expect(await credentials().authenticate(apiKey.replace('fxv_', 'fxw_'))).toBeNull();
    await orm.em.fork().getConnection().execute('update clients.api_key set revoked_at = now()');
    expect(await credentials().authenticate(apiKey)).toBeNull();
  });
});
