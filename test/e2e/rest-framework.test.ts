import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../lib/auth/api-key.js';
import { OPENAPI_PATH } from '../../rest-adapter/src/openapi/openapi-artifact.js';
import { seedTenant, type SeededTenant } from '../factories/tenant.js';
import { gql } from '../support/graphql.js';
import { restClient, type RestClient } from '../support/rest.js';
import { startTestStack, type TestStack } from './stack.js';

/** Scans never run here (no worker): a loopback target on this file's own address. */
const TARGET = 'http://127.0.0.64:9/';

describe('the REST adapter in the running platform', () => {
  let t: TestStack;
  let tenant: SeededTenant;
  let rest: RestClient;
  const bearer = () => ({ authorization: `Bearer ${tenant.apiKey}` });
  const scanIds = async (): Promise<string[]> => {
    const res = await gql(t.stack.gatewayUrl, 'query { scans(first: 100) { edges { node { id } } } }', {}, { 'x-api-key': tenant.apiKey });
    return res.data!.scans.edges.map((e: { node: { id: string } }) => e.node.id);
  };

  beforeAll(async () => {
    t = await startTestStack('rest-framework', { workers: 0 });
    tenant = await seedTenant(t.databaseUrl);
    rest = restClient(t);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('is started by the stack, ready, and serves the committed spec and the docs', async () => {
    expect((await fetch(`${t.stack.restUrl}/readyz`)).status).toBe(200);
    const yaml = await fetch(`${t.stack.restUrl}/docs/api/openapi`);
    expect(yaml.headers.get('content-type')).toMatch(/^text\/yaml/);
    expect(await yaml.text()).toBe(await readFile(OPENAPI_PATH, 'utf8'));
    expect((await fetch(`${t.stack.restUrl}/docs`)).headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('replays a POST with the same Idempotency-Key and body: one scan, the same id; another body is 409', async () => {
    const idem = randomUUID();
    const before = await scanIds();
    const first = await rest.post('/api/v1/scans', { headers: { ...bearer(), 'idempotency-key': idem }, body: { target: TARGET } });
    expect(first.status).toBe(200);
    const again = await rest.post('/api/v1/scans', { headers: { ...bearer(), 'idempotency-key': idem }, body: { target: TARGET } });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await rest.post('/api/v1/scans', { headers: { ...bearer(), 'idempotency-key': idem }, body: { target: TARGET, mode: 'passive' } });
    expect(other.status).toBe(409);
    expect(other.body.error).toBe('conflict');
    // Concurrent retries of one key in the other dialect: still one scan.
    const idem2 = randomUUID();
    const burst = await Promise.all(Array.from({ length: 5 }, () => rest.post('/scan', { headers: { 'x-api-key': tenant.apiKey, 'idempotency-key': idem2 }, body: { target: TARGET } })));
    expect(new Set(burst.map((r) => r.body.job_id)).size).toBe(1);
    const after = await scanIds();
    expect(after.filter((id) => !before.includes(id)).sort()).toEqual([first.body.id, burst[0]!.body.job_id].sort());
  });

  it('answers unknown routes, malformed JSON and oversized bodies as documented, creating nothing', async () => {
    const before = await scanIds();
    expect((await rest.get('/api/v2/scans', { headers: bearer() })).body).toEqual({ error: 'not_found' });
    expect((await rest.request('delete', '/scan/' + randomUUID(), { headers: { 'x-api-key': tenant.apiKey } })).status).toBe(404);
    const malformed = await rest.post('/api/v1/scans', { headers: { ...bearer(), 'content-type': 'application/json' }, rawBody: '{"target": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ error: 'invalid_input', issues: [{ field: 'body', message: expect.any(String) }] });
    const big = await rest.post('/scan', { headers: { 'x-api-key': tenant.apiKey }, rawBody: JSON.stringify({ target: TARGET, client_name: 'x'.repeat(1024 * 1024) }) });
    expect(big.status).toBe(413);
    expect(big.body).toEqual({ error: 'payload_too_large' });
    expect(await scanIds()).toEqual(before);
  });

  it('answers 401 invalid_token for missing, garbage, unknown and wrong-form credentials in both dialects', async () => {
    const unknown = generateApiKey();
    const id = randomUUID();
    const cases: [string, string, Record<string, string>][] = [
      ['get', '/api/v1/scans', {}],
      ['get', '/api/v1/scans', { authorization: 'Bearer garbage' }],
      ['get', '/api/v1/scans', { authorization: `Bearer ${unknown}` }],
      ['get', '/api/v1/scans', { 'x-api-key': tenant.apiKey }],
      ['get', `/scan/${id}`, {}],
      ['get', `/scan/${id}`, { 'x-api-key': 'garbage' }],
      ['get', `/scan/${id}`, { 'x-api-key': unknown }],
      ['get', `/scan/${id}`, bearer()],
      ['post', '/scan', { 'x-api-key': unknown }],
      ['get', '/clients/me', { 'x-api-key': tenant.apiKey, authorization: 'Bearer not-a-jwt' }],
    ];
    for (const [method, path, headers] of cases) {
      const res = await rest.request(method, path, { headers, body: method === 'post' ? { target: TARGET } : undefined });
      expect(res.status, `${method} ${path} ${Object.keys(headers).join(',')}`).toBe(401);
      expect(res.body.error).toBe('invalid_token');
    }
  });
});
