import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedClientWithKey, seedTenant, type SeededTenant } from '../factories/tenant.js';
import { collect, gql, wsClient } from '../support/graphql.js';
import { startTestStack, type TestStack } from './stack.js';

const CREATE = `mutation($i: CreateScanInput!) { createScan(input: $i) { id } }`;
/** The deepest query the existing end-to-end tests send (scan-flow): depth 6. */
const LEGIT_DEEP = `{ scans(first: 1) { edges { node { client { name plan { tier scanLimit } usage { used limit periodStart } } } } } plans { tier scanLimit } }`;

async function raw(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers }, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

const noInternals = (body: unknown): void => {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/stacktrace|\s+at \S+ \(|node_modules|\.js:\d+/);
};

/**
 * GraphQL hardening and scopes at the gateway, through the real platform. Defaults throughout
 * (introspection off, cost 20,000, aliases 15, batch 10, 1 MB bodies) except a lower depth, so a
 * query the schema allows can exceed it.
 */
describe('GraphQL hardening and scopes at the gateway', () => {
  let t: TestStack;
  let tenant: SeededTenant;
  let readOnly: string;
  let findingsOnly: string;
  const auth = () => ({ 'x-api-key': tenant.apiKey });

  beforeAll(async () => {
    t = await startTestStack('edge-hardening', { workers: 0, env: { GRAPHQL_MAX_DEPTH: '6' } });
    tenant = await seedTenant(t.databaseUrl);
    readOnly = (await seedClientWithKey(t.databaseUrl, tenant.accountId, 'Read only', ['scans:read', 'findings:read'])).apiKey;
    findingsOnly = (await seedClientWithKey(t.databaseUrl, tenant.accountId, 'Findings only', ['findings:read'])).apiKey;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('refuses an operation deeper than GRAPHQL_MAX_DEPTH with 400 DEPTH_LIMIT_EXCEEDED, and runs the deepest legitimate one', async () => {
    const deep = await gql(t.stack.gatewayUrl, `{ scans { edges { node { findings { edges { node { id } } } } } } }`, {}, auth());
    expect(deep.status).toBe(400);
    expect(deep.errors!.map((e) => e.extensions?.code)).toEqual(['DEPTH_LIMIT_EXCEEDED']);
    expect(deep.errors![0]!.extensions?.limit).toBe(6);
    noInternals(deep);
    const legit = await gql(t.stack.gatewayUrl, LEGIT_DEEP, {}, auth());
    expect(legit.errors).toBeUndefined();
    expect(legit.status).toBe(200);
  });

  it('refuses a costly operation, also when the page sizes come in variables', async () => {
    const nested = `query($n: Int) { scans(first: $n) { edges { node { findings(first: $n) { edges { cursor } } } } } }`;
    const costly = await gql(t.stack.gatewayUrl, nested, { n: 100 }, auth());
    expect(costly.errors!.map((e) => e.extensions?.code)).toEqual(['COST_LIMIT_EXCEEDED']);
    expect(costly.data ?? null).toBeNull();
    noInternals(costly);
    const cheap = await gql(t.stack.gatewayUrl, nested, { n: 5 }, auth());
    expect(cheap.errors).toBeUndefined();
  });

  it('refuses too many aliases and too many tokens', async () => {
    const aliases = await gql(t.stack.gatewayUrl, `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: me { scopes }`).join(' ')} }`, {}, auth());
    expect(aliases.status).toBe(400);
    expect(aliases.errors!.map((e) => e.extensions?.code)).toEqual(['ALIAS_LIMIT_EXCEEDED']);
    const tokens = await gql(t.stack.gatewayUrl, `{ me { ${'scopes '.repeat(2100)}} }`, {}, auth());
    expect(tokens.status).toBe(400);
    expect(tokens.errors!.map((e) => e.extensions?.code)).toEqual(['TOKEN_LIMIT_EXCEEDED']);
  });

  it('caps batches at GRAPHQL_MAX_BATCH operations and runs a batch within it', async () => {
    const op = { query: '{ me { scopes } }' };
    const ok = await raw(t.stack.gatewayUrl, JSON.stringify([op, op]), auth());
    expect(ok.status).toBe(200);
    expect(ok.body).toHaveLength(2);
    const tooMany = await raw(t.stack.gatewayUrl, JSON.stringify(Array.from({ length: 11 }, () => op)), auth());
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.errors[0].extensions).toEqual({ code: 'BATCH_LIMIT_EXCEEDED', limit: 10 });
    expect(tooMany.headers.get('ratelimit-limit')).not.toBeNull();
  });

  it('turns introspection off by default and gives no field suggestions', async () => {
    const schema = await gql(t.stack.gatewayUrl, `{ __schema { types { name } } }`, {}, auth());
    expect(schema.status).toBe(400);
    expect(schema.errors!.map((e) => e.extensions?.code)).toEqual(['INTROSPECTION_DISABLED']);
    expect((await gql(t.stack.gatewayUrl, `{ __typename }`, {}, auth())).data).toEqual({ __typename: 'Query' });
    const typo = await gql(t.stack.gatewayUrl, `{ me { scope } }`, {}, auth());
    expect(typo.errors![0]!.message).toBe('Cannot query field "scope" on type "Me".');
  });

  it('refuses a body over GRAPHQL_MAX_BODY_BYTES with 413 and a JSON error', async () => {
    const big = JSON.stringify({ query: '{ me { scopes } }', variables: { pad: 'x'.repeat(1024 * 1024) } });
    const res = await raw(t.stack.gatewayUrl, big, auth());
    expect(res.status).toBe(413);
    expect(res.body.errors[0].extensions).toEqual({ code: 'PAYLOAD_TOO_LARGE', limit: 1024 * 1024 });
    const malformed = await raw(t.stack.gatewayUrl, '{"query": ', auth());
    expect(malformed.status).toBe(400);
    noInternals(malformed.body);
  });

  it('refuses createScan to a key without scans:write, naming the scope, while it still reads scans', async () => {
    const count = async () => (await gql(t.stack.gatewayUrl, `{ scans(first: 100) { edges { node { id } } } }`, {}, auth())).data!.scans.edges.length;
    const before = await count();
    const refused = await gql(t.stack.gatewayUrl, CREATE, { i: { target: 'http://127.0.0.92:9/', targetType: 'URL' } }, { 'x-api-key': readOnly });
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', missing_scopes: ['scans:write'] });
    expect(refused.errors![0]!.message).toMatch(/scans:write.*createScan/);
    expect(await count()).toBe(before);
    const read = await gql(t.stack.gatewayUrl, `{ scans(first: 5) { edges { node { id } } } checks(mode: PASSIVE) { id } }`, {}, { 'x-api-key': readOnly });
    expect(read.errors).toBeUndefined();
    expect(read.data!.checks.length).toBeGreaterThan(0);
  });

  it('checks scopes and limits on WebSocket operations too', async () => {
    const client = wsClient(t.stack.gatewayUrl, findingsOnly);
    try {
      await expect(collect(client, `subscription { scanUpdated(id: "00000000-0000-0000-0000-000000000000") { status } }`, {}, { deadlineMs: 10_000 })).rejects.toThrow(
        /scans:read[\s\S]*FORBIDDEN/,
      );
      await expect(collect(client, `{ scans { edges { node { findings { edges { node { id } } } } } } }`, {}, { deadlineMs: 10_000 })).rejects.toThrow(/DEPTH_LIMIT_EXCEEDED/);
    } finally {
      await client.dispose();
    }
  });
});
