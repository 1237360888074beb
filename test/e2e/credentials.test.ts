import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_TOKEN_AUDIENCE, CLIENT_TOKEN_ISSUER } from '../../lib/auth/client-token.js';
import { seedTenant, type SeededTenant } from '../factories/tenant.js';
import { eventually, gql } from '../support/graphql.js';
import { recordIssuedToken } from '../support/token-audit.js';
import { startTestStack, type TestStack } from './stack.js';

const SECRET = randomBytes(32).toString('base64url');
const ME = `{ me { account { id } client { id name } scopes credentialKind keyName keyPreview expiresAt } }`;
const CLIENTS = `{ clients { id name } }`;
const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id name preview scopes expiresAt client { id } } } }`;
const KEYS = `{ apiKeys(includeRevoked: true) { id name preview scopes revokedAt lastUsedAt } }`;
const REVOKE_KEY = `mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`;
const CREATE_CLIENT = `mutation($input: CreateClientInput!) { createClient(input: $input) { id name } }`;
const REGISTER = `mutation($input: RegisterClientInput!) { registerClient(input: $input) { clientId token jti expiresAt tier scanLimit client { name } } }`;
const REVOKE_TOKEN = `mutation($jti: String, $clientId: ID) { revokeClientToken(jti: $jti, clientId: $clientId) }`;

const jwt = (claims: Record<string, unknown>, opts: { secret?: string; exp?: number } = {}) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(CLIENT_TOKEN_ISSUER)
    .setAudience(CLIENT_TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 3600)
    .sign(new TextEncoder().encode(opts.secret ?? SECRET));

describe('credentials through the gateway', () => {
  let t: TestStack;
  let tenant: SeededTenant;
  const url = () => t.stack.gatewayUrl;
  const as = (key: string) => ({ 'x-api-key': key });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const call = async (query: string, variables: Record<string, unknown>, headers: Record<string, string>) => {
    const res = await gql(url(), query, variables, headers);
    return res;
  };
  const ok = async (query: string, variables: Record<string, unknown>, headers: Record<string, string>) => {
    const res = await call(query, variables, headers);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data!;
  };
  const newKey = async (input: Record<string, unknown>, creator = tenant.apiKey) => {
    const d = await ok(CREATE_KEY, { input }, as(creator));
    recordIssuedToken(d.createApiKey.key);
    return d.createApiKey as { key: string; apiKey: { id: string; preview: string; scopes: string[]; expiresAt: string | null } };
  };
  const register = async (name: string, tier = 'STARTER') => {
    const d = await ok(REGISTER, { input: { name, email: 'sec@example.test', company: name, tier } }, as(tenant.apiKey));
    recordIssuedToken(d.registerClient.token);
    recordIssuedToken(d.registerClient.jti);
    return d.registerClient as { clientId: string; token: string; jti: string; tier: string; scanLimit: number | null };
  };
  const expect401 = async (headers: Record<string, string>, what: string) => {
    const res = await call(ME, {}, headers);
    expect(res.status, what).toBe(401);
    expect(res.data ?? null, what).toBeNull();
    expect(res.errors?.[0]?.extensions?.code, what).toBe('UNAUTHENTICATED');
  };

  beforeAll(async () => {
    t = await startTestStack('credentials', { workers: 0, env: { CLIENT_TOKEN_SECRET: SECRET, RATE_LIMIT_ENABLED: 'false' } });
    tenant = await seedTenant(t.databaseUrl);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('creates a key shown once, lists it by preview only, and refuses it from the call after its revocation', async () => {
    const created = await newKey({ name: 'ci reader', scopes: ['scans:read'] });
    expect(created.key).toMatch(/^fxv_[A-Za-z0-9_-]{43}$/);
    expect(created.apiKey.preview).toBe(created.key.slice(0, 8));
    const me = (await ok(ME, {}, as(created.key))).me;
    expect(me).toMatchObject({ account: { id: tenant.accountId }, client: null, scopes: ['scans:read'], credentialKind: 'API_KEY', keyName: 'ci reader', expiresAt: null });
    const listed = await call(KEYS, {}, as(tenant.apiKey));
    const text = JSON.stringify(listed);
    expect(text).not.toContain(created.key);
    expect(text).not.toContain(created.key.slice(8));
    const row = listed.data!.apiKeys.find((k: { id: string }) => k.id === created.apiKey.id);
    expect(row).toMatchObject({ name: 'ci reader', preview: created.apiKey.preview, revokedAt: null });
    expect(row.lastUsedAt).not.toBeNull();
    expect((await ok(REVOKE_KEY, { id: created.apiKey.id }, as(tenant.apiKey))).revokeApiKey.revokedAt).not.toBeNull();
    await expect401(as(created.key), 'revoked key');
    await expect401(bearer(created.key), 'revoked key as Bearer');
  });

  it('never lets a key create a key with more scopes than it has', async () => {
    const limited = await newKey({ name: 'limited admin', scopes: ['clients:admin', 'scans:read'] });
    const res = await call(CREATE_KEY, { input: { name: 'escalate', scopes: ['scans:read', 'billing:admin'] } }, as(limited.key));
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.errors?.[0]?.message).toMatch(/billing:admin/);
    const unknown = await call(CREATE_KEY, { input: { name: 'x', scopes: ['root'] } }, as(tenant.apiKey));
    expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const reader = await newKey({ name: 'reader', scopes: ['scans:read'] });
    const denied = await call(CREATE_KEY, { input: { name: 'x', scopes: ['scans:read'] } }, as(reader.key));
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(denied.data?.createApiKey ?? null).toBeNull();
  });

  it('limits a client-scoped key to its client: other clients are not found, and it creates none', async () => {
    const a = (await ok(CREATE_CLIENT, { input: { name: 'Acme' } }, as(tenant.apiKey))).createClient;
    const b = (await ok(CREATE_CLIENT, { input: { name: 'Beta' } }, as(tenant.apiKey))).createClient;
    const key = await newKey({ name: 'acme admin', scopes: ['clients:admin', 'scans:read'], clientId: a.id });
    expect((await ok(CLIENTS, {}, as(key.key))).clients).toEqual([{ id: a.id, name: 'Acme' }]);
    expect((await ok(`query($id: ID!) { client(id: $id) { id } }`, { id: b.id }, as(key.key))).client).toBeNull();
    const create = await call(CREATE_CLIENT, { input: { name: 'Gamma' } }, as(key.key));
    expect(create.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const other = await call(CREATE_KEY, { input: { name: 'x', scopes: ['scans:read'], clientId: b.id } }, as(key.key));
    expect(other.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const stranger = await seedTenant(t.databaseUrl);
    expect((await ok(CLIENTS, {}, as(stranger.apiKey))).clients.map((c: { id: string }) => c.id)).toEqual([stranger.defaultClientId]);
    const foreign = await call(`mutation($id: ID!) { updateClient(id: $id, input: { name: "Mine" }) { id } }`, { id: a.id }, as(stranger.apiKey));
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('registers a client whose token works alone, and narrows an API key sent with it', async () => {
    const r = await register('Initech');
    expect(r).toMatchObject({ tier: 'STARTER', scanLimit: 5 });
    const alone = (await ok(ME, {}, bearer(r.token))).me;
    expect(alone).toMatchObject({ client: { id: r.clientId }, credentialKind: 'CLIENT_TOKEN', keyName: null });
    expect(alone.scopes.sort()).toEqual(['findings:read', 'findings:write', 'reports:read', 'scans:read', 'scans:write']);
    expect((await ok(CLIENTS, {}, bearer(r.token))).clients).toEqual([{ id: r.clientId, name: 'Initech' }]);
    expect((await call(REGISTER, { input: { name: 'Nope' } }, bearer(r.token))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const both = (await ok(ME, {}, { ...as(tenant.apiKey), ...bearer(r.token) })).me;
    expect(both).toMatchObject({ account: { id: tenant.accountId }, client: { id: r.clientId }, credentialKind: 'API_KEY' });
    expect((await ok(CLIENTS, {}, { ...as(tenant.apiKey), ...bearer(r.token) })).clients).toEqual([{ id: r.clientId, name: 'Initech' }]);
    const stranger = await seedTenant(t.databaseUrl);
    await expect401({ ...as(stranger.apiKey), ...bearer(r.token) }, 'key of another account with the token');
    const otherClient = await newKey({ name: 'default only', scopes: ['scans:read'], clientId: tenant.defaultClientId });
    await expect401({ ...as(otherClient.key), ...bearer(r.token) }, 'key of another client with the token');
    expect((await ok(REVOKE_TOKEN, { jti: r.jti }, as(tenant.apiKey))).revokeClientToken).toBe(1);
    await expect401(bearer(r.token), 'revoked client token');
    await expect401({ ...as(tenant.apiKey), ...bearer(r.token) }, 'valid key with a revoked token');
  });

  it('answers 401 UNAUTHENTICATED, never 500, to every bad credential shape', async () => {
    const r = await register('Shapes Ltd');
    const now = Math.floor(Date.now() / 1000);
    const header = (h: object) => Buffer.from(JSON.stringify(h)).toString('base64url');
    const claims = { sub: r.clientId, jti: r.jti, iss: CLIENT_TOKEN_ISSUER, aud: CLIENT_TOKEN_AUDIENCE, iat: now, exp: now + 3600 };
    const shapes: [string, Record<string, string>][] = [
      ['no credential', {}],
      ['an empty x-api-key', { 'x-api-key': ' ' }],
      ['a malformed prefix', as('fxw_' + tenant.apiKey.slice(4))],
      ['a key one character short', as(tenant.apiKey.slice(0, -1))],
      ['a key one character long', as(tenant.apiKey + 'A')],
      ['a well-formed unknown key', as('fxv_' + randomBytes(32).toString('base64url'))],
      ['a well-formed unknown key as Bearer', bearer('fxv_' + randomBytes(32).toString('base64url'))],
      ['an expired client token', bearer(await jwt({ sub: r.clientId, jti: r.jti }, { exp: now - 60 }))],
      ['a client token signed with another key', bearer(await jwt({ sub: r.clientId, jti: r.jti }, { secret: randomBytes(32).toString('base64url') }))],
      ['an unsigned (alg none) client token', bearer(`${header({ alg: 'none', typ: 'JWT' })}.${header(claims)}.`)],
      ['a client token naming another client', bearer(await jwt({ sub: tenant.defaultClientId, jti: r.jti }))],
      ['a validly signed token of an unknown jti', bearer(await jwt({ sub: r.clientId, jti: randomUUID() }))],
      ['a garbage Bearer', bearer('garbage')],
      ['a Bearer of three garbage segments', bearer('abc.def.ghi')],
      ['a Basic authorization', { authorization: 'Basic dXNlcjpwYXNz' }],
      ['a valid key with a garbage Bearer', { ...as(tenant.apiKey), ...bearer('garbage') }],
      ['a valid key with a forged token', { ...as(tenant.apiKey), ...bearer(await jwt({ sub: r.clientId, jti: r.jti }, { secret: 'x'.repeat(40) })) }],
    ];
    for (const [what, headers] of shapes) await expect401(headers, what);
    expect((await ok(REVOKE_TOKEN, { clientId: r.clientId }, as(tenant.apiKey))).revokeClientToken).toBe(1);
    await expect401(bearer(r.token), 'a token of a revoked jti');
  });

  it('refuses a key from the moment it expires', async () => {
    const expiresAt = new Date(Date.now() + 2000).toISOString();
    const short = await newKey({ name: 'two seconds', scopes: ['scans:read'], expiresAt });
    expect(short.apiKey.expiresAt).toBe(expiresAt);
    expect((await ok(ME, {}, as(short.key))).me.expiresAt).toBe(expiresAt);
    const refusedAt = await eventually(async () => ((await call(ME, {}, as(short.key))).status === 401 ? Date.now() : null), 10_000, 'expiry');
    expect(refusedAt).toBeGreaterThanOrEqual(Date.parse(expiresAt));
  });
});
