import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant, type SeededTenant } from '../factories/tenant.js';
import { startDnsServer, type LabDnsServer } from '../lab/dns-server.js';
import { gql } from '../support/graphql.js';
import { restClient, type RestClient, type RestRequestOptions, type RestResponse } from '../support/rest.js';
import { startTestStack, type TestStack } from './stack.js';

/** This file's loopback address (the DNS server answers the document's example name with it). */
const ADDRESS = '127.0.0.65';

type Method = 'get' | 'post' | 'patch';
interface Route {
  method: Method;
  path: string;
  auth: 'fixfirst' | 'v1';
}

const BODY_ROUTES: Route[] = [
  { method: 'post', path: '/scan', auth: 'fixfirst' },
  { method: 'post', path: '/scan/authorised', auth: 'fixfirst' },
  { method: 'post', path: '/clients/register', auth: 'fixfirst' },
  { method: 'post', path: '/api/v1/scans', auth: 'v1' },
  { method: 'patch', path: `/finding/${uuidv7()}/remediate`, auth: 'fixfirst' },
];

/** A body of `bytes` bytes whose every field is a valid type, so only its size is wrong. */
function bodyOfSize(bytes: number, field: string): string {
  const shell = JSON.stringify({ [field]: '' });
  return JSON.stringify({ [field]: 'a'.repeat(bytes - shell.length) });
}

describe('bad input on every REST route: documented 400s and 404s, never a 500, nothing created', () => {
  let t: TestStack;
  let dns: LabDnsServer;
  let tenant: SeededTenant;
  let rest: RestClient;
  let counts: () => Promise<{ scans: number; clients: number }>;
  let before: { scans: number; clients: number };

  const send = (r: Route, opts: RestRequestOptions = {}): Promise<RestResponse> => {
    const headers: Record<string, string> = r.auth === 'v1' ? { authorization: `Bearer ${tenant.apiKey}` } : { 'x-api-key': tenant.apiKey };
    return rest.request(r.method, r.path, { ...opts, headers: { ...headers, ...opts.headers } });
  };
  /** The answer is invalid_input naming exactly these fields, one issue each. */
  const expectIssues = (res: RestResponse, fields: string[]): void => {
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error).toBe('invalid_input');
    expect(res.body.issues.map((i: { field: string }) => i.field).sort()).toEqual([...fields].sort());
    for (const i of res.body.issues) expect(i.message.length).toBeGreaterThan(0);
  };

  beforeAll(async () => {
    dns = await startDnsServer({ host: ADDRESS, zone: { 'company.com': { A: [ADDRESS] } } });
    t = await startTestStack('rest-bad-input', { workers: 0, env: { DNS_SERVERS: dns.server } });
    tenant = await seedTenant(t.databaseUrl);
    rest = restClient(t);
    counts = async () => {
      const res = await gql(t.stack.gatewayUrl, 'query { scans(first: 100) { edges { node { id } } } clients(first: 100) { id } }', {}, { 'x-api-key': tenant.apiKey });
      return { scans: res.data!.scans.edges.length, clients: res.data!.clients.length };
    };
    before = await counts();
  });
  afterAll(async () => {
    // Whatever each test sent, the tenant has not one scan or client more than it began with.
    if (t && before) expect(await counts()).toEqual(before);
    await t?.stop();
    await dns?.close();
  });

  it('answers malformed JSON with invalid_input on the body', async () => {
    for (const r of BODY_ROUTES) {
      for (const raw of ['{"target": ', '{target: "company.com"}', 'not json', '{"a":1}}']) {
        const res = await send(r, { rawBody: raw, headers: { 'content-type': 'application/json' } });
        expectIssues(res, ['body']);
      }
    }
  });

  it('answers wrong types with one issue per bad field', async () => {
    expectIssues(await send(BODY_ROUTES[0]!, { body: { target: 123, target_type: 5, scan_profile: true, client_name: [] } }), ['target', 'target_type', 'scan_profile', 'client_name']);
    expectIssues(await send(BODY_ROUTES[1]!, { body: { target: 'company.com', authorised: 'yes', authorised_by: 7 } }), ['authorised', 'authorised_by']);
    expectIssues(await send(BODY_ROUTES[2]!, { body: { name: 42, email: 'not-an-email', company: {} } }), ['name', 'email', 'company']);
    expectIssues(await send(BODY_ROUTES[3]!, { body: { target: ['https://staging.example.com'], authorised: 'true' } }), ['target', 'authorised']);
    expectIssues(await send(BODY_ROUTES[4]!, { body: { status: 1, note: 5, updated_by: false, accepted_until: 'tomorrow' } }), ['status', 'note', 'updated_by', 'accepted_until']);
    for (const r of BODY_ROUTES) expectIssues(await send(r, { body: [] }), ['body']);
    expectIssues(await send(BODY_ROUTES[0]!, { body: {} }), ['target']);
  });

  it('answers unknown enum values with one issue per bad field', async () => {
    expectIssues(await send(BODY_ROUTES[0]!, { body: { target: 'company.com', target_type: 'host', scan_profile: 'extreme' } }), ['target_type', 'scan_profile']);
    expectIssues(await send(BODY_ROUTES[1]!, { body: { target: 'company.com', target_type: 'DOMAIN', authorised: true } }), ['target_type']);
    expectIssues(await send(BODY_ROUTES[2]!, { body: { name: 'Gold Corp', tier: 'gold' } }), ['tier']);
    expectIssues(await send(BODY_ROUTES[3]!, { body: { target: 'https://staging.example.com', mode: 'deep' } }), ['mode']);
    expectIssues(await send(BODY_ROUTES[4]!, { body: { status: 'done' } }), ['status']);
  });

  it('answers a target the platform will not scan with invalid_input on target, in the REST field names', async () => {
    expectIssues(await send(BODY_ROUTES[0]!, { body: { target: 'company.com', target_type: 'ip' } }), ['target']);
    expectIssues(await send(BODY_ROUTES[3]!, { body: { target: 'https://no-such-name.invalid/' } }), ['target']);
  });

  it('answers a body just under the 1 MiB limit with invalid_input, and a larger one with payload_too_large', async () => {
    const fields: Record<string, string> = { '/scan': 'target', '/scan/authorised': 'target', '/clients/register': 'name', '/api/v1/scans': 'target' };
    for (const r of BODY_ROUTES) {
      const field = fields[r.path] ?? 'note';
      const res = await send(r, { rawBody: bodyOfSize(1_000_000, field) });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_input');
      expect(res.body.issues.map((i: { field: string }) => i.field)).toContain(field);
      const tooBig = await send(r, { rawBody: bodyOfSize(1024 * 1024 + 1, field) });
      expect(tooBig.status).toBe(413);
      expect(tooBig.body).toEqual({ error: 'payload_too_large' });
    }
  });

  it('answers path ids that are not UUIDs with invalid_input naming the parameter, and unknown UUIDs with not_found', async () => {
    const malformed = ['not-a-uuid', '123', "1'%20or%20'1'='1", 'a1b2c3d4-...', `${uuidv7()}x`];
    for (const id of malformed) {
      expectIssues(await send({ method: 'get', path: `/scan/${id}`, auth: 'fixfirst' }), ['job_id']);
      expectIssues(await send({ method: 'get', path: `/scan/${id}/findings`, auth: 'fixfirst' }), ['job_id']);
      expectIssues(await send({ method: 'patch', path: `/finding/${id}/remediate`, auth: 'fixfirst' }, { body: { status: 'fixed' } }), ['finding_id']);
      expectIssues(await send({ method: 'get', path: `/api/v1/scans/${id}`, auth: 'v1' }), ['scanId']);
    }
    const unknown = uuidv7();
    for (const r of [
      { method: 'get', path: `/scan/${unknown}`, auth: 'fixfirst' },
      { method: 'get', path: `/scan/${unknown}/findings`, auth: 'fixfirst' },
      { method: 'get', path: `/api/v1/scans/${unknown}`, auth: 'v1' },
      { method: 'get', path: `/api/v1/scans/${unknown}?include_findings=true`, auth: 'v1' },
    ] as Route[]) {
      const res = await send(r);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'not_found' });
    }
    const res = await send({ method: 'patch', path: `/finding/${unknown}/remediate`, auth: 'fixfirst' }, { body: { status: 'fixed' } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not_found' });
  });

  it('answers negative, zero, huge or non-integer limits and foreign cursors on the list routes with invalid_input', async () => {
    for (const path of ['/api/v1/scans', '/api/v1/findings']) {
      const r: Route = { method: 'get', path, auth: 'v1' };
      for (const limit of ['-1', '0', '101', '1000000000', '99999999999999999999', '2.5', 'abc', '']) {
        expectIssues(await send(r, { query: { limit } }), ['limit']);
      }
      for (const cursor of ['garbage', '2026-05-07T14:00:00Z', `2026-05-07T14:00:00Z:${'z'.repeat(36)}`, '2026-02-31T25:61:00Z:0190f3c2-1111-7222-8333-444455556666', 'x'.repeat(5000)]) {
        expectIssues(await send(r, { query: { cursor } }), ['cursor']);
      }
      expectIssues(await send(r, { query: { limit: '-5', cursor: 'nope' } }), ['limit', 'cursor']);
      const ok = await send(r, { query: { limit: '100' } });
      expect(ok.status).toBe(200);
    }
    const findings: Route = { method: 'get', path: '/api/v1/findings', auth: 'v1' };
    expectIssues(await send(findings, { query: { severity: 'critical,urgent' } }), ['severity']);
    expectIssues(await send(findings, { query: { severity: 'CRITICAL' } }), ['severity']);
    expectIssues(await send(findings, { query: { since: 'yesterday' } }), ['since']);
    expectIssues(await send(findings, { query: { check_id: '' } }), ['check_id']);
    expectIssues(await send({ method: 'get', path: '/api/v1/findings?severity=high&severity=low', auth: 'v1' }), ['severity']);
    expectIssues(await send({ method: 'get', path: `/api/v1/scans/${uuidv7()}`, auth: 'v1' }, { query: { include_findings: 'yes' } }), ['include_findings']);
  });

  it('refuses every route without its credential before validating the input', async () => {
    const routes: Route[] = [
      ...BODY_ROUTES,
      { method: 'get', path: `/scan/${uuidv7()}`, auth: 'fixfirst' },
      { method: 'get', path: `/scan/${uuidv7()}/findings`, auth: 'fixfirst' },
      { method: 'get', path: '/clients/me', auth: 'fixfirst' },
      { method: 'get', path: '/api/v1/scans', auth: 'v1' },
      { method: 'get', path: `/api/v1/scans/${uuidv7()}`, auth: 'v1' },
      { method: 'get', path: '/api/v1/findings', auth: 'v1' },
    ];
    for (const r of routes) {
      const res = await rest.request(r.method, r.path, r.method === 'get' ? {} : { body: { target: 1 } });
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
      expect(res.body.error).toBe('invalid_token');
    }
  });
});
