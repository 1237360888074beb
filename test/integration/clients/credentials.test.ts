import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashCredential } from '../../../lib/auth/api-key.js';
import { ClientTokenSigner } from '../../../lib/auth/client-token.js';
import type { Identity } from '../../../lib/auth/identity.js';
import { openModuleOrm, type MikroORM } from '../../../lib/db/orm.js';
import { billingDb, planCatalog, QuotaService } from '../../../subgraphs/billing/src/module.js';
import { ClientsContext } from '../../../subgraphs/clients/src/context.js';
import { LAST_USED_RESOLUTION_MS } from '../../../subgraphs/clients/src/credential/credential.service.js';
import { billingPlans, type ClientsDeps } from '../../../subgraphs/clients/src/deps.js';
import { clientsDb, CredentialService } from '../../../subgraphs/clients/src/module.js';
import { createTestDatabase } from '../../support/database.js';
import { recordIssuedToken } from '../../support/token-audit.js';
import { seedTenant, type SeededTenant } from '../../factories/tenant.js';

const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { extensions?: { code?: string } }) => e.extensions?.code ?? String(e));

describe('clients, API keys and client tokens', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM;
  let billingOrm: MikroORM;
  let deps: ClientsDeps;
  let tenant: SeededTenant;
  let owner: Identity;
  const signer = new ClientTokenSigner('s'.repeat(40));
  const credentials = () => new CredentialService(orm.em.fork(), 'fxv_');
  const ctx = (identity: Identity) => new ClientsContext(identity, orm.em.fork(), deps);
  const keyFor = async (as: Identity, input: Record<string, unknown>) => {
    const created = await ctx(as).apiKeys.create(input);
    recordIssuedToken(created.plaintext);
    return { ...created, identity: (await credentials().authenticate(created.plaintext))! };
  };

  beforeAll(async () => {
    db = await createTestDatabase('credentials');
    orm = await openModuleOrm(clientsDb, { url: db.url, poolMax: 6 });
    billingOrm = await openModuleOrm(billingDb, { url: db.url, poolMax: 4 });
    deps = { keyPrefix: 'fxv_', tokenSigner: signer, tokenTtlSeconds: 3600, plans: billingPlans(billingOrm, planCatalog(), 'trial') };
    tenant = await seedTenant(db.url);
    owner = (await credentials().authenticate(tenant.apiKey))!;
  });
  afterAll(async () => {
    await orm?.close();
    await billingOrm?.close();
    await db?.drop();
  });

  it('creates a key shown once, stored as its SHA-256 only, listed by preview', async () => {
    const { plaintext, key, identity } = await keyFor(owner, { name: 'ci', scopes: ['scans:read', 'scans:read'] });
    expect(plaintext).toMatch(/^fxv_[A-Za-z0-9_-]{43}$/);
    expect(key.scopes).toEqual(['scans:read']);
    expect(identity).toMatchObject({ accountId: tenant.accountId, clientId: null, scopes: ['scans:read'], credentialKind: 'api_key' });
    const rows = await orm.em.fork().getConnection().execute<{ key_hash: string; preview: string }[]>('select key_hash, preview from clients.api_key where id = ?', [key.id]);
    expect(rows[0]).toEqual({ key_hash: hashCredential(plaintext), preview: plaintext.slice(0, 8) });
    const listed = await ctx(owner).apiKeys.list({});
    expect(listed.map((k) => k.id)).toContain(key.id);
  });

  it('never gives a key a scope, client or lifetime its creator lacks', async () => {
    const narrow = await keyFor(owner, { name: 'admin-lite', scopes: ['clients:admin', 'scans:read'], expiresAt: new Date(Date.now() + 3_600_000) });
    expect(await code(ctx(narrow.identity).apiKeys.create({ name: 'x', scopes: ['scans:write'] }))).toBe('FORBIDDEN');
    expect(await code(ctx(narrow.identity).apiKeys.create({ name: 'x', scopes: ['scans:read'], expiresAt: new Date(Date.now() + 7_200_000) }))).toBe('BAD_USER_INPUT');
    const child = await keyFor(narrow.identity, { name: 'child', scopes: ['scans:read'] });
    expect(child.key.expiresAt?.getTime()).toBe(narrow.key.expiresAt?.getTime());
    const reader = await keyFor(owner, { name: 'reader', scopes: ['scans:read'] });
    expect(await code(ctx(reader.identity).apiKeys.create({ name: 'x', scopes: ['scans:read'] }))).toBe('FORBIDDEN');
    expect(await code(ctx(reader.identity).apiKeys.list({}))).toBe('FORBIDDEN');
    expect(await code(ctx(owner).apiKeys.create({ name: '', scopes: ['nope'], expiresAt: new Date(0) }))).toBe('BAD_USER_INPUT');
  });

  it('keeps keys within the creator\'s clients: a foreign client is not found, a client key mints only for its client', async () => {
    const other = await seedTenant(db.url);
    expect(await code(ctx(owner).apiKeys.create({ name: 'x', scopes: ['scans:read'], clientId: other.defaultClientId }))).toBe('NOT_FOUND');
    expect(await code(ctx(owner).apiKeys.create({ name: 'x', scopes: ['scans:read'], clientId: 'not-a-uuid' }))).toBe('NOT_FOUND');
    const a = await ctx(owner).clientAdmin.create({ name: 'Client A' });
    const b = await ctx(owner).clientAdmin.create({ name: 'Client B' });
    const scoped = await keyFor(owner, { name: 'a-admin', scopes: ['clients:admin', 'scans:read'], clientId: a.id });
    expect(scoped.identity.clientId).toBe(a.id);
    const minted = await keyFor(scoped.identity, { name: 'a-reader', scopes: ['scans:read'] });
    expect(minted.key.clientId).toBe(a.id);
    expect(await code(ctx(scoped.identity).apiKeys.create({ name: 'x', scopes: ['scans:read'], clientId: b.id }))).toBe('NOT_FOUND');
    expect((await ctx(scoped.identity).apiKeys.list({})).every((k) => k.clientId === a.id)).toBe(true);
    const accountWide = await keyFor(owner, { name: 'acct', scopes: ['scans:read'] });
    expect(await code(ctx(scoped.identity).apiKeys.revoke(accountWide.key.id))).toBe('NOT_FOUND');
    expect(await code(ctx(scoped.identity).clientAdmin.create({ name: 'Client C' }))).toBe('FORBIDDEN');
    expect((await ctx(scoped.identity).clients.list()).map((c) => c.id)).toEqual([a.id]);
    expect(await ctx(scoped.identity).clients.find(b.id)).toBeNull();
  });

  it('refuses a revoked or expired key at once', async () => {
    const { plaintext, key } = await keyFor(owner, { name: 'short', scopes: ['scans:read'] });
    expect((await ctx(owner).apiKeys.revoke(key.id)).revokedAt).toBeInstanceOf(Date);
    expect(await credentials().authenticate(plaintext)).toBeNull();
    expect((await ctx(owner).apiKeys.list({})).map((k) => k.id)).not.toContain(key.id);
    expect((await ctx(owner).apiKeys.list({ includeRevoked: true })).map((k) => k.id)).toContain(key.id);
    const expiring = await keyFor(owner, { name: 'expiring', scopes: ['scans:read'] });
    await orm.em.fork().getConnection().execute(`update clients.api_key set expires_at = now() - interval '1 second' where id = ?`, [expiring.key.id]);
    expect(await credentials().authenticate(expiring.plaintext)).toBeNull();
  });

  it('records lastUsedAt on use, at most once a minute per key', async () => {
    const { plaintext, key } = await keyFor(owner, { name: 'used', scopes: ['scans:read'] });
    const lastUsed = async () => (await orm.em.fork().getConnection().execute<{ t: string | null }[]>('select last_used_at as t from clients.api_key where id = ?', [key.id]))[0]!.t;
    // keyFor authenticated once already
    const first = await lastUsed();
    expect(first).not.toBeNull();
    await Promise.all(Array.from({ length: 5 }, () => credentials().authenticate(plaintext)));
    expect(await lastUsed()).toEqual(first);
    const stale = new Date(Date.now() - LAST_USED_RESOLUTION_MS - 1000);
    await orm.em.fork().getConnection().execute('update clients.api_key set last_used_at = ? where id = ?', [stale, key.id]);
    await Promise.all(Array.from({ length: 5 }, () => credentials().authenticate(plaintext)));
    expect(new Date((await lastUsed())!).getTime()).toBeGreaterThan(stale.getTime() + 1000);
  });

  it('creates and updates clients: names unique per account, foreign ids not found', async () => {
    const c = await ctx(owner).clientAdmin.create({ name: 'Globex', email: 'it@globex.example', company: 'Globex Corp' });
    expect(c).toMatchObject({ name: 'Globex', email: 'it@globex.example', company: 'Globex Corp' });
    expect(await code(ctx(owner).clientAdmin.create({ name: '  globex ' }))).toBe('CONFLICT');
    expect(await code(ctx(owner).clientAdmin.create({ name: 'Bad', email: 'nope' }))).toBe('BAD_USER_INPUT');
    const updated = await ctx(owner).clientAdmin.update(c.id, { name: 'Globex EU', email: null });
    expect(updated).toMatchObject({ name: 'Globex EU', email: null, company: 'Globex Corp' });
    await ctx(owner).clientAdmin.create({ name: 'Initech' });
    expect(await code(ctx(owner).clientAdmin.update(c.id, { name: 'INITECH' }))).toBe('CONFLICT');
    const stranger = (await credentials().authenticate((await seedTenant(db.url)).apiKey))!;
    expect(await code(ctx(stranger).clientAdmin.update(c.id, { name: 'Mine' }))).toBe('NOT_FOUND');
    expect(await ctx(stranger).clients.find(c.id)).toBeNull();
  });

  it('registers a client on a tier through billing and issues a revocable token', async () => {
    const r = await ctx(owner).clientAdmin.register({ name: 'Umbrella', email: 'sec@umbrella.example' }, 'starter');
    recordIssuedToken(r.token.token);
    recordIssuedToken(r.token.jti);
    expect(r.plan).toMatchObject({ tier: 'starter', scanLimit: 5 });
    const usage = await new QuotaService(billingOrm.em.fork(), planCatalog(), 'trial').usage({ accountId: tenant.accountId, clientId: null }, r.client.id);
    expect(usage?.plan.tier).toBe('starter');
    const claims = await signer.verify(r.token.token);
    expect(claims).toEqual({ clientId: r.client.id, jti: r.token.jti });
    const who = await credentials().authenticateClientToken(claims!, hashCredential(r.token.token));
    expect(who).toMatchObject({ accountId: tenant.accountId, clientId: r.client.id, credentialKind: 'client_token' });
    expect(who!.scopes).not.toContain('clients:admin');
    expect(await credentials().authenticateClientToken({ ...claims!, clientId: tenant.defaultClientId }, 'x')).toBeNull();
    const stored = await orm.em.fork().getConnection().execute<{ jti_hash: string }[]>('select jti_hash from clients.client_token where client_id = ?', [r.client.id]);
    expect(stored).toEqual([{ jti_hash: hashCredential(r.token.jti) }]);
    expect(await ctx(owner).clientTokens.revoke({ jti: r.token.jti })).toBe(1);
    expect(await credentials().authenticateClientToken(claims!, 'x')).toBeNull();
    expect(await code(ctx(owner).clientTokens.revoke({ jti: 'unknown-jti' }))).toBe('NOT_FOUND');
    expect(await code(ctx(owner).clientTokens.revoke({}))).toBe('BAD_USER_INPUT');
  });

  it('revokes every token of a client, and registers one name once under concurrency', async () => {
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => ctx(owner).clientAdmin.register({ name: 'Race Corp' }, null)));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.extensions.code)).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT']);
    const r = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<ClientsContext['clientAdmin']['register']>>>).value;
    recordIssuedToken(r.token.token);
    expect(r.plan.tier).toBe('trial');
    const claims = (await signer.verify(r.token.token))!;
    expect(await ctx(owner).clientTokens.revoke({ clientId: r.client.id })).toBe(1);
    expect(await credentials().authenticateClientToken(claims, 'x')).toBeNull();
    const stranger = (await credentials().authenticate((await seedTenant(db.url)).apiKey))!;
    expect(await code(ctx(stranger).clientTokens.revoke({ clientId: r.client.id }))).toBe('NOT_FOUND');
    expect(await code(ctx(stranger).clientTokens.revoke({ jti: claims.jti }))).toBe('NOT_FOUND');
  });
});
