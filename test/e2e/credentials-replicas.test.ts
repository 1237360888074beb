import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant, type SeededTenant } from '../factories/tenant.js';
import { gql } from '../support/graphql.js';
import { recordIssuedToken } from '../support/token-audit.js';
import { startGatewayReplica, startTestStack, type TestStack } from './stack.js';

const SECRET = randomBytes(32).toString('base64url');
const HOST = '127.0.0.61';
const ME = `{ me { client { id } credentialKind } }`;
const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id } } }`;
const REGISTER = `mutation($input: RegisterClientInput!) { registerClient(input: $input) { clientId token jti } }`;

/**
 * Revocation on one gateway replica holds on the other at once: no replica trusts a credential
 * beyond the row it reads for the request. The second replica is its own OS process, started
 * through the same CLI entry point as any scaled-out gateway.
 */
describe('credentials across two gateway replicas', () => {
  let t: TestStack;
  let tenant: SeededTenant;
  let second: Awaited<ReturnType<typeof startGatewayReplica>> | undefined;
  let secondUrl: string;

  beforeAll(async () => {
    t = await startTestStack('credential-replicas', { workers: 0, env: { CLIENT_TOKEN_SECRET: SECRET, RATE_LIMIT_ENABLED: 'false' } });
    tenant = await seedTenant(t.databaseUrl);
    second = await startGatewayReplica(t, HOST, { CLIENT_TOKEN_SECRET: SECRET, RATE_LIMIT_ENABLED: 'false' });
    secondUrl = second.url;
  });
  afterAll(async () => {
    await second?.stop();
    await t?.stop(); // audits its log and database
  });

  it('refuses an API key on the other replica on the very next call after its revocation', async () => {
    const created = await gql(t.stack.gatewayUrl, CREATE_KEY, { input: { name: 'replicated', scopes: ['scans:read'] } }, { 'x-api-key': tenant.apiKey });
    const key = created.data!.createApiKey.key as string;
    recordIssuedToken(key);
    for (const url of [t.stack.gatewayUrl, secondUrl]) expect((await gql(url, ME, {}, { 'x-api-key': key })).status).toBe(200);
    const revoked = await gql(t.stack.gatewayUrl, `mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: created.data!.createApiKey.apiKey.id }, { 'x-api-key': tenant.apiKey });
    expect(revoked.data!.revokeApiKey.revokedAt).not.toBeNull();
    const next = await gql(secondUrl, ME, {}, { 'x-api-key': key });
    expect(next.status).toBe(401);
    expect(next.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gql(t.stack.gatewayUrl, ME, {}, { 'x-api-key': key })).status).toBe(401);
  });

  it('refuses a client token on the first replica right after it is revoked on the second', async () => {
    const reg = await gql(secondUrl, REGISTER, { input: { name: 'Replica Client', tier: 'PROFESSIONAL' } }, { 'x-api-key': tenant.apiKey });
    const { token, jti, clientId } = reg.data!.registerClient as { token: string; jti: string; clientId: string };
    recordIssuedToken(token);
    recordIssuedToken(jti);
    for (const url of [t.stack.gatewayUrl, secondUrl]) {
      expect((await gql(url, ME, {}, { authorization: `Bearer ${token}` })).data!.me).toEqual({ client: { id: clientId }, credentialKind: 'CLIENT_TOKEN' });
    }
    const revoked = await gql(secondUrl, `mutation($jti: String) { revokeClientToken(jti: $jti) }`, { jti }, { 'x-api-key': tenant.apiKey });
    expect(revoked.data!.revokeClientToken).toBe(1);
    const next = await gql(t.stack.gatewayUrl, ME, {}, { authorization: `Bearer ${token}` });
    expect(next.status).toBe(401);
    expect(next.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
