import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { seedTenant, type SeededTenant } from '../factories/tenant.js';
import { gql } from '../support/graphql.js';
import { startTestStack, type TestStack } from './stack.js';

const CREATE = `mutation Create($input: CreateScanInput!) { createScan(input: $input) { id } }`;
const COUNT = `{ scans(first: 100) { edges { node { id } } } }`;

describe('bad input and missing credentials', () => {
  let t: TestStack;
  let tenant: SeededTenant;
  const auth = () => ({ 'x-api-key': tenant.apiKey });
  const scanCount = async () => (await gql(t.stack.gatewayUrl, COUNT, {}, auth())).data!.scans.edges.length;

  beforeAll(async () => {
    t = await startTestStack('validation', { env: { SCAN_ALLOW_CIDRS: '127.0.0.1/32' } });
    tenant = await seedTenant(t.databaseUrl);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['an unknown targetType', { target: 'example.com', targetType: 'HOSTNAME' }, 'targetType', /HOSTNAME/],
    ['an empty target', { target: '', targetType: 'DOMAIN' }, 'target', /required|empty/i],
    ['a 2,000-character target', { target: 'a'.repeat(1990) + '.example', targetType: 'DOMAIN' }, 'target', /.+/],
    ['a 2,100-character URL', { target: 'http://127.0.0.1/' + 'a'.repeat(2100), targetType: 'URL' }, 'target', /2048|long/i],
    ['a malformed CIDR', { target: '10.0.0.0/33', targetType: 'CIDR' }, 'target', /prefix|CIDR/i],
    ['a CIDR with a bad address', { target: '300.1.2.0/24', targetType: 'CIDR' }, 'target', /.+/],
    ['a URL with credentials', { target: 'http://user:pass@127.0.0.1/', targetType: 'URL' }, 'target', /credential/i],
    ['a URL with a non-HTTP scheme', { target: 'ftp://127.0.0.1/', targetType: 'URL' }, 'target', /ftp/i],
    ['a URL resolving to a refused address', { target: 'http://127.0.0.2:8080/', targetType: 'URL' }, 'target', /127\.0\.0\.2.*not allowed/],
    ['a refused IP', { target: '169.254.169.254', targetType: 'IP' }, 'target', /169\.254\.169\.254/],
    ['a private CIDR', { target: '10.0.0.0/24', targetType: 'CIDR' }, 'target', /10\.0\.0\./],
  ];

  it.each(cases)('refuses %s with BAD_USER_INPUT naming the field and creates nothing', async (_name, input, field, message) => {
    const before = await scanCount();
    const res = await gql(t.stack.gatewayUrl, CREATE, { input }, auth());
    expect(res.data?.createScan ?? null).toBeNull();
    expect(res.errors?.length).toBeGreaterThan(0);
    const err = res.errors![0]!;
    expect(err.extensions?.code).toBe('BAD_USER_INPUT');
    expect(err.extensions?.field ?? err.message).toContain(field);
    expect(err.message).toMatch(message);
    expect(await scanCount()).toBe(before);
  });

  it('answers UNAUTHENTICATED without a key, with an unknown key and with a malformed one', async () => {
    for (const headers of [{}, { 'x-api-key': 'fxv_' + 'A'.repeat(43) }, { authorization: 'Bearer nope' }] as Record<string, string>[]) {
      const res = await gql(t.stack.gatewayUrl, COUNT, {}, headers);
      expect(res.status).toBe(401);
      expect(res.data ?? null).toBeNull();
      expect(res.errors![0]!.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('serves the GraphiQL page without a key but runs no operation without one', async () => {
    const page = await fetch(t.stack.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/graphiql/i);
    for (const param of ['query', '%71uery']) {
      const res = await fetch(`${t.stack.gatewayUrl}?${param}=${encodeURIComponent('{ me { account { id } } }')}`, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain(tenant.accountId);
    }
  });

  it('accepts the key as Authorization: Bearer too', async () => {
    const res = await gql(t.stack.gatewayUrl, `{ me { account { id } } }`, {}, { authorization: `Bearer ${tenant.apiKey}` });
    expect(res.data!.me.account.id).toBe(tenant.accountId);
  });

  it('gives a subgraph called directly, without a gateway identity, an error and no data', async () => {
    const scansUrl = t.stack.subgraphUrl('scans');
    const res = await gql(scansUrl, COUNT, {}, { 'x-api-key': tenant.apiKey });
    expect(res.data ?? null).toBeNull();
    expect(res.errors![0]!.extensions?.code).toBe('UNAUTHENTICATED');

    const forged = await new SignJWT({ acc: tenant.accountId, cli: null, scp: ['scans:read'], cid: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('fixfirst-gateway')
      .setAudience('fixfirst-subgraphs')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('a-guessed-secret-that-is-long-enough-123'));
    const res2 = await gql(scansUrl, COUNT, {}, { 'x-fixfirst-identity': forged });
    expect(res2.data ?? null).toBeNull();
    expect(res2.errors![0]!.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
