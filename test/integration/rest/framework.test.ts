import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../../lib/auth/api-key.js';
import { ForwardedForVerifier } from '../../../lib/auth/forwarded-for.js';
import { recordIssuedToken } from '../../support/token-audit.js';
import { freePort } from '../../../lib/net/free-port.js';
import { restEnv } from '../../../rest-adapter/src/env.js';
import { startRestAdapter } from '../../../rest-adapter/src/server.js';
import { restClient } from '../../support/rest.js';
import type { SeenRequest } from './fake-gateway.js';
import { HOST, startTinyAdapter, type TinyAdapter } from './tiny-adapter.js';
import { TINY_ROUTES } from './tiny-routes.js';

const thingOf = (r: SeenRequest) => ({ body: { data: { thing: { id: String(r.variables.id), name: 'Widget' } } } });

describe('the REST adapter framework (a small route table in front of a fake gateway)', () => {
  let t: TinyAdapter;
  const apiKey = generateApiKey();
  recordIssuedToken(apiKey);
  const key = { 'x-api-key': apiKey };

  beforeAll(async () => {
    t = await startTinyAdapter('rest-framework');
  });
  afterAll(async () => {
    await t?.stop();
  });
  beforeEach(() => {
    t.gateway.seen.length = 0;
    t.gateway.setResponder(thingOf);
  });

  it('answers unknown paths and methods with the documented 404 JSON', async () => {
    for (const [method, path] of [['get', '/nope'], ['get', '/'], ['delete', '/things/' + randomUUID()], ['post', '/api/v1/things']] as const) {
      const res = await t.rest.request(method, path, { headers: key });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body).toEqual({ error: 'not_found' });
    }
    expect(t.gateway.seen).toHaveLength(0);
  });

  it('answers malformed JSON with invalid_input naming the body, without echoing it', async () => {
    const res = await t.rest.post('/things', { headers: { ...key, 'content-type': 'application/json' }, rawBody: '{"name": "secret-ish value",' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_input', issues: [{ field: 'body', message: 'The request body is not valid JSON' }] });
    expect(res.text).not.toContain('secret-ish');
    expect(t.gateway.seen).toHaveLength(0);
  });

  it('answers a body over 1 MB with 413 payload_too_large and runs nothing', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024) });
    const res = await t.rest.post('/things', { headers: key, rawBody: big });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: 'payload_too_large' });
    // Just under the limit is parsed (and then refused by the schema: name is at most 50 characters).
    const under = await t.rest.post('/things', { headers: key, rawBody: JSON.stringify({ name: 'x'.repeat(1024 * 1024 - 20) }) });
    expect(under.status).toBe(400);
    expect(under.body.issues).toEqual([{ field: 'name', message: expect.any(String) }]);
    expect(t.gateway.seen).toHaveLength(0);
  });

  it('names every bad field once: wrong types, unknown enum values, unknown fields, missing ones', async () => {
    const res = await t.rest.post('/things', { headers: key, body: { size: 'huge', count: -1.5, colour: 'red' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_input');
    expect(res.body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['colour', 'count', 'name', 'size']);
    // An empty body is an empty object: the missing field is named.
    const noBody = await t.rest.post('/things', { headers: key });
    expect(noBody.status).toBe(400);
    expect(noBody.body.issues).toEqual([{ field: 'name', message: expect.any(String) }]);
    const notAnObject = await t.rest.post('/things', { headers: key, body: ['name'] });
    expect(notAnObject.body.issues).toEqual([{ field: 'body', message: expect.any(String) }]);
    expect(t.gateway.seen).toHaveLength(0);
  });

  it('validates the query: negative, huge and non-numeric limits and unknown enum values are invalid_input', async () => {
    const bearer = { authorization: `Bearer ${apiKey}` };
    for (const q of ['limit=-1', 'limit=100000', 'limit=ten', 'kind=c', 'limit=0']) {
      const res = await t.rest.get(`/api/v1/things?${q}`, { headers: bearer });
      expect(res.status, q).toBe(400);
      expect(res.body.issues).toHaveLength(1);
    }
    t.gateway.setResponder(() => ({ body: { data: { things: [{ id: 'a' }] } } }));
    const ok = await t.rest.get('/api/v1/things', { headers: bearer });
    expect(ok.body).toEqual({ things: [{ id: 'a' }], limit: 50 });
    expect(t.gateway.seen.map((s) => s.variables)).toEqual([{ first: 50 }]);
  });

  it('answers a path id that is not a UUID as not_found, or invalid_input where the route lists it', async () => {
    const res = await t.rest.get('/things/not-a-uuid', { headers: key });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not_found' });
    const patch = await t.rest.patch('/things/42', { headers: key, body: { name: '' } });
    expect(patch.status).toBe(400);
    expect(patch.body.issues.map((i: { field: string }) => i.field)).toEqual(['thing_id', 'name']);
    expect(t.gateway.seen).toHaveLength(0);
  });

  it('enforces each route\'s auth form and forwards exactly the credentials it takes', async () => {
    const id = randomUUID();
    expect((await t.rest.get(`/things/${id}`)).body).toEqual({ error: 'invalid_token', message: expect.any(String) });
    expect((await t.rest.get(`/things/${id}`, { headers: { authorization: `Bearer ${apiKey}` } })).status).toBe(401);
    expect((await t.rest.get(`/things/${id}?api_key=${apiKey}`)).status).toBe(401); // only report URLs take ?api_key=
    expect((await t.rest.get('/api/v1/things', { headers: key })).status).toBe(401); // v1 wants Bearer
    expect((await t.rest.get('/api/v1/things', { headers: { authorization: `Basic ${apiKey}` } })).status).toBe(401);
    expect(t.gateway.seen).toHaveLength(0);

    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0LWNsaWVudCJ9.c2lnbmF0dXJlLW9mLWEtdGVzdC10b2tlbg';
    recordIssuedToken(jwt);
    await t.rest.get(`/things/${id}`, { headers: { ...key, authorization: `Bearer ${jwt}` } });
    expect(t.gateway.seen[0]!.headers['x-api-key']).toBe(apiKey);
    expect(t.gateway.seen[0]!.headers.authorization).toBe(`Bearer ${jwt}`);

    const report = await t.rest.get(`/things/${id}/report?api_key=${encodeURIComponent(apiKey)}`);
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toMatch(/^text\/html/);
    expect(report.text).toContain('<h1>Widget</h1>');
    expect(t.gateway.seen[1]!.headers['x-api-key']).toBe(apiKey);
    expect(JSON.stringify(t.gateway.seen[1]!.variables)).not.toContain(apiKey);

    t.gateway.setResponder(() => ({ body: { data: { things: [] } } }));
    await t.rest.get('/api/v1/things', { headers: { ...key, authorization: `Bearer ${apiKey}` } });
    expect(t.gateway.seen[2]!.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(t.gateway.seen[2]!.headers['x-api-key']).toBeUndefined();
  });

  it('maps the gateway\'s 401 to invalid_token and its GraphQL error codes through the one table', async () => {
    const id = randomUUID();
    t.gateway.setResponder(() => ({ status: 401, body: { errors: [{ message: 'A valid API key is required', extensions: { code: 'UNAUTHENTICATED' } }] } }));
    expect((await t.rest.get(`/things/${id}`, { headers: key })).body).toEqual({ error: 'invalid_token' });
    t.gateway.setResponder(() => ({ status: 401, body: 'not json' }));
    expect((await t.rest.get(`/things/${id}`, { headers: key })).body).toEqual({ error: 'invalid_token' });
    t.gateway.setResponder(() => ({ body: { data: { thing: null }, errors: [{ message: 'Thing not found', extensions: { code: 'NOT_FOUND' } }] } }));
    expect((await t.rest.get(`/things/${id}`, { headers: key })).body).toEqual({ error: 'not_found' });
    t.gateway.setResponder(() => ({ body: { errors: [{ message: 'Scan quota exceeded', extensions: { code: 'QUOTA_EXCEEDED', quota: { limit: 2, used: 2, period_end: null } } }] } }));
    const quota = await t.rest.post('/things', { headers: key, body: { name: 'a' } });
    expect(quota.status).toBe(429);
    expect(quota.body).toEqual({ error: 'quota_exceeded', quota: { limit: 2, used: 2, period_end: null } });
  });

  it('surfaces a gateway 429 as rate_limited with retry_after_seconds, Retry-After and the RateLimit headers', async () => {
    t.gateway.setResponder(() => ({
      status: 429,
      headers: { 'retry-after': '47', 'ratelimit-limit': '10', 'ratelimit-remaining': '0', 'ratelimit-reset': '47', 'ratelimit-policy': '10;w=1, 60;w=60' },
      body: { errors: [{ message: 'Rate limit exceeded: retry after 47 s', extensions: { code: 'RATE_LIMITED', retry_after_seconds: 47 } }] },
    }));
    const res = await t.rest.get(`/things/${randomUUID()}`, { headers: key });
    expect(res.status).toBe(429);
    expect(res.body).toEqual({ error: 'rate_limited', retry_after_seconds: 47 });
    expect(res.headers.get('retry-after')).toBe('47');
    expect(res.headers.get('ratelimit-policy')).toBe('10;w=1, 60;w=60');
    expect(res.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('answers an unreachable gateway as 503 service_unavailable', async () => {
    const adapter = await startRestAdapter(
      restEnv.parse({ GATEWAY_URL: `http://${HOST}:${await freePort(HOST)}/graphql`, INTERNAL_TOKEN_SECRET: t.secret, DATABASE_URL: t.databaseUrl, REST_PORT: '0', HOST, LOG_LEVEL: 'silent', RATE_LIMIT_ENABLED: 'false' }),
      { routes: TINY_ROUTES, operationsDir: t.operationsDir, specYaml: t.specYaml },
    );
    try {
      const res = await restClient(adapter.url, t.rest.checker).get(`/things/${randomUUID()}`, { headers: key });
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ error: 'service_unavailable', message: expect.any(String) });
      expect((await fetch(`${adapter.url}/readyz`)).status).toBe(503);
    } finally {
      await adapter.close();
    }
  });

  it('answers every failure of ours as a bare internal_error', async () => {
    const boom = await t.rest.get('/boom', { headers: key });
    expect(boom.status).toBe(500);
    expect(boom.text).toBe('{"error":"internal_error"}');
    t.gateway.setResponder(() => ({ status: 500, body: { errors: [{ message: 'at Object.<anonymous> (/srv/x.ts:1)', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } }));
    const upstream = await t.rest.get(`/things/${randomUUID()}`, { headers: key });
    expect(upstream.status).toBe(500);
    expect(upstream.text).toBe('{"error":"internal_error"}');
    t.gateway.setResponder(() => ({ status: 200, body: 'garbage' }));
    expect((await t.rest.get(`/things/${randomUUID()}`, { headers: key })).text).toBe('{"error":"internal_error"}');
  });

  it('sends the caller\'s address to the gateway signed, never the caller\'s own claims', async () => {
    await t.rest.get(`/things/${randomUUID()}`, { headers: { ...key, 'x-forwarded-for': '203.0.113.9', 'x-fixfirst-forwarded-for': '203.0.113.9.1.forged', 'user-agent': 'tests/1.0' } });
    const seen = t.gateway.seen[0]!;
    const header = String(seen.headers['x-fixfirst-forwarded-for']);
    const ip = new ForwardedForVerifier(t.secret).verify(header);
    // The test connects from loopback; the adapter (TRUST_PROXY=0) ignores X-Forwarded-For.
    expect(ip).toMatch(/^127\./);
    expect(new ForwardedForVerifier('another secret of at least thirty-two characters').verify(header)).toBeNull();
    expect(seen.headers['x-forwarded-for']).toBeUndefined();
    expect(seen.headers['user-agent']).toBe('tests/1.0');
  });

  it('serves the spec as text/yaml and JSON, and Swagger UI from the package under a same-origin CSP', async () => {
    const yaml = await fetch(`${t.adapter.url}/docs/api/openapi`);
    expect(yaml.headers.get('content-type')).toMatch(/^text\/yaml/);
    expect(await yaml.text()).toBe(t.specYaml);
    const json = (await (await fetch(`${t.adapter.url}/docs/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(json.openapi).toBe('3.1.0');
    expect(Object.keys(json.paths)).toContain('/things/{thing_id}');
    const page = await fetch(`${t.adapter.url}/docs`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('/docs/assets/swagger-ui-bundle.js');
    expect(html).not.toMatch(/https?:\/\//);
    const init = await (await fetch(`${t.adapter.url}/docs/swagger-initializer.js`)).text();
    expect(init).toContain('validatorUrl: null');
    expect(init).not.toMatch(/https?:\/\//);
    const bundle = await fetch(`${t.adapter.url}/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    expect((await fetch(`${t.adapter.url}/docs/assets/swagger-initializer.js`)).status).toBe(404);
    expect((await fetch(`${t.adapter.url}/docs/assets/..%2Fpackage.json`)).status).toBe(404);
  });

  it('is alive on /healthz and ready on /readyz only while the gateway answers', async () => {
    expect((await fetch(`${t.adapter.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.adapter.url}/readyz`)).status).toBe(200);
    t.gateway.healthy = false;
    try {
      const res = await fetch(`${t.adapter.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: 'service_unavailable', gateway: false, database: true });
    } finally {
      t.gateway.healthy = true;
    }
  });
});
