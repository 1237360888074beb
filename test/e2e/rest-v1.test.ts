import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openModuleOrm } from '../../lib/db/orm.js';
import { findingsDb, FindingWriter } from '../../subgraphs/findings/src/module.js';
import { newFinding } from '../factories/finding.js';
import { seedTenant, type SeededTenant } from '../factories/tenant.js';
import { startDnsServer, type LabDnsServer } from '../lab/dns-server.js';
import { gql } from '../support/graphql.js';
import { restClient, type RestClient } from '../support/rest.js';
import { startTestStack, type TestStack } from './stack.js';

/** This file's loopback address: the DNS server that answers the document's example names. */
const ADDRESS = '127.0.0.65';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('the v1 REST dialect, as its published document writes the requests', () => {
  let t: TestStack;
  let dns: LabDnsServer;
  let tenant: SeededTenant;
  let rest: RestClient;
  /** The document's headers: a bearer token, and content-type on the POST. */
  const bearer = () => ({ authorization: `Bearer ${tenant.apiKey}` });

  beforeAll(async () => {
    // The example target resolves to loopback only, and no worker runs: the scans are only created.
    dns = await startDnsServer({ host: ADDRESS, zone: { 'staging.example.com': { A: [ADDRESS] } } });
    t = await startTestStack('rest-v1', { workers: 0, env: { DNS_SERVERS: dns.server } });
    tenant = await seedTenant(t.databaseUrl);
    rest = restClient(t);
  });
  afterAll(async () => {
    await t?.stop();
    await dns?.close();
  });

  /** Writes findings for a scan as the worker would (no worker runs in this file). */
  async function writeFindings(scanId: string, findings: Parameters<FindingWriter['record']>[1]): Promise<void> {
    const scan = await gql(t.stack.gatewayUrl, 'query($id: ID!) { scan(id: $id) { client { id } } }', { id: scanId }, { 'x-api-key': tenant.apiKey });
    const orm = await openModuleOrm(findingsDb, { url: t.databaseUrl, poolMax: 1 });
    try {
      await new FindingWriter(orm.em.fork()).record({ accountId: tenant.accountId, clientId: scan.data!.scan.client.id, scanId }, findings);
    } finally {
      await orm.close();
    }
  }

  it('POST /api/v1/scans enqueues a passive scan and answers id, status, target and mode', async () => {
    const res = await rest.post('/api/v1/scans', { headers: { ...bearer(), 'content-type': 'application/json' }, rawBody: '{"target":"https://staging.example.com"}' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: expect.stringMatching(UUID), status: 'queued', target: 'https://staging.example.com/', mode: 'passive' });
    const scan = await gql(t.stack.gatewayUrl, 'query($id: ID!) { scan(id: $id) { targetType mode status triggeredBy } }', { id: res.body.id }, { 'x-api-key': tenant.apiKey });
    expect(scan.data!.scan).toEqual({ targetType: 'URL', mode: 'PASSIVE', status: 'QUEUED', triggeredBy: 'api' });
  });

  it('POST /api/v1/scans with mode active is refused with the reason until the target is proven and authorised', async () => {
    const before = (await rest.get('/api/v1/scans?limit=100', { headers: bearer() })).body.scans.length;
    const res = await rest.post('/api/v1/scans', { headers: bearer(), body: { target: 'https://staging.example.com', mode: 'active' } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'forbidden', reason: expect.stringMatching(/^(TARGET_UNVERIFIED|NOT_AUTHORISED)$/) });
    expect((await rest.get('/api/v1/scans?limit=100', { headers: bearer() })).body.scans).toHaveLength(before);
  });

  it('POST /api/v1/scans with mode active queues an active scan once the domain is verified and the request says authorised', async () => {
    const key = { 'x-api-key': tenant.apiKey };
    const added = await gql(t.stack.gatewayUrl, 'mutation { addDomain(input: { domain: "staging.example.com" }) { id instructions { dnsRecordName dnsRecordValue } } }', {}, key);
    const d = added.data!.addDomain;
    dns.zone[d.instructions.dnsRecordName] = { TXT: [d.instructions.dnsRecordValue] };
    const verified = await gql(t.stack.gatewayUrl, 'mutation($id: ID!) { verifyDomain(id: $id, method: DNS) { verified } }', { id: d.id }, key);
    expect(verified.data!.verifyDomain.verified).toBe(true);

    const unconfirmed = await rest.post('/api/v1/scans', { headers: bearer(), body: { target: 'https://staging.example.com', mode: 'active' } });
    expect(unconfirmed.status).toBe(403);
    expect(unconfirmed.body).toMatchObject({ error: 'forbidden', reason: 'NOT_AUTHORISED' });
    const res = await rest.post('/api/v1/scans', { headers: bearer(), body: { target: 'https://staging.example.com', mode: 'active', authorised: true, authorised_by: 'Jane Roe' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'queued', mode: 'active' });
    const stored = await gql(t.stack.gatewayUrl, 'query($id: ID!) { scan(id: $id) { mode authorisation { authorisedBy proof { kind domain } } } }', { id: res.body.id }, key);
    expect(stored.data!.scan).toEqual({ mode: 'ACTIVE', authorisation: { authorisedBy: 'Jane Roe', proof: { kind: 'DOMAIN', domain: 'staging.example.com' } } });
  });

  it('GET /api/v1/scans?limit=25 lists the org\'s scans newest first, paginated by next_cursor', async () => {
    const own = await seedTenant(t.databaseUrl);
    const headers = { authorization: `Bearer ${own.apiKey}` };
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await rest.post('/api/v1/scans', { headers, body: { target: 'https://staging.example.com' } })).body.id);

    const all = await rest.get('/api/v1/scans?limit=25', { headers });
    expect(all.status).toBe(200);
    expect(all.body.next_cursor).toBeNull();
    expect(all.body.scans.map((s: { id: string }) => s.id)).toEqual([...ids].reverse());
    expect(all.body.scans[0]).toEqual({
      id: ids[2],
      target_url: 'https://staging.example.com/',
      target_hostname: 'staging.example.com',
      mode: 'passive',
      status: 'queued',
      error: null,
      started_at: null,
      completed_at: null,
      findings_count: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
      triggered_by: 'api',
      created_at: expect.any(String),
    });

    const first = await rest.get('/api/v1/scans?limit=2', { headers });
    expect(first.body.scans.map((s: { id: string }) => s.id)).toEqual([ids[2], ids[1]]);
    const last = first.body.scans[1];
    expect(first.body.next_cursor).toBe(`${last.created_at}:${last.id}`);
    const second = await rest.get(`/api/v1/scans?limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}`, { headers });
    expect(second.body).toMatchObject({ scans: [{ id: ids[0] }], next_cursor: null });
  });

  it('GET /api/v1/scans/{scanId} answers the envelope with the per-category severity summary, and the findings on request', async () => {
    const created = await rest.post('/api/v1/scans', { headers: bearer(), body: { target: 'https://staging.example.com' } });
    const id = created.body.id as string;
    await writeFindings(id, [
      newFinding({ checkId: 'headers.csp-missing', severity: 'MEDIUM', target: 'https://staging.example.com/' }),
      newFinding({ checkId: 'headers.referrer-policy-missing', severity: 'LOW', target: 'https://staging.example.com/' }),
      newFinding({ checkId: 'secrets.js-bundle-sweep', severity: 'CRITICAL', cweId: 'CWE-798', target: 'https://staging.example.com/app.js' }),
    ]);

    const res = await rest.get(`/api/v1/scans/${id}`, { headers: bearer() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, status: 'queued', target_url: 'https://staging.example.com/', findings_count: { critical: 1, high: 0, medium: 1, low: 1, info: 0 } });
    expect(res.body.findings_count_by_category).toEqual({
      headers: { critical: 0, high: 0, medium: 1, low: 1, info: 0 },
      secrets: { critical: 1, high: 0, medium: 0, low: 0, info: 0 },
    });
    expect(res.body).not.toHaveProperty('findings');

    const full = await rest.get(`/api/v1/scans/${id}?include_findings=true`, { headers: bearer() });
    expect(full.body.findings).toHaveLength(3);
    expect(full.body.findings.map((f: { check_id: string }) => f.check_id).sort()).toEqual(['headers.csp-missing', 'headers.referrer-policy-missing', 'secrets.js-bundle-sweep']);
    const secret = full.body.findings.find((f: { check_id: string }) => f.check_id === 'secrets.js-bundle-sweep');
    expect(secret).toEqual({ id: expect.stringMatching(UUID), scan_id: id, check_id: 'secrets.js-bundle-sweep', severity: 'critical', title: 't', description: 'd', evidence: {}, remediation: 'r', cwe_id: 'CWE-798', created_at: expect.any(String) });

    // The document's own example path names no scan of this org: the documented not_found.
    const documented = await rest.get('/api/v1/scans/8f1c4e2a-8c3a-4b6f-9c0d-9b1e8f3c2a4d', { headers: bearer() });
    expect(documented.status).toBe(404);
    expect(documented.body).toEqual({ error: 'not_found' });
    const unknown = await rest.get(`/api/v1/scans/${uuidv7()}`, { headers: bearer() });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'not_found' });
  });

  it('GET /api/v1/findings?severity=critical,high&limit=50 filters by severity, check id and time, across the org\'s scans', async () => {
    const own = await seedTenant(t.databaseUrl);
    const headers = { authorization: `Bearer ${own.apiKey}` };
    const a = (await rest.post('/api/v1/scans', { headers, body: { target: 'https://staging.example.com' } })).body.id as string;
    const b = (await rest.post('/api/v1/scans', { headers, body: { target: 'staging.example.com' } })).body.id as string;
    const saved = tenant;
    tenant = own;
    try {
      await writeFindings(a, [
        newFinding({ checkId: 'secrets.js-bundle-sweep', severity: 'CRITICAL', target: 'https://staging.example.com/a.js' }),
        newFinding({ checkId: 'headers.csp-missing', severity: 'MEDIUM', target: 'https://staging.example.com/' }),
      ]);
      const since = new Date().toISOString();
      await writeFindings(b, [
        newFinding({ checkId: 'tls.weak-protocol', severity: 'HIGH', target: 'https://staging.example.com/' }),
        newFinding({ checkId: 'secrets.js-bundle-sweep', severity: 'CRITICAL', target: 'https://staging.example.com/b.js' }),
        newFinding({ checkId: 'dns.dmarc-missing', severity: 'INFO', target: 'staging.example.com' }),
      ]);

      const res = await rest.get('/api/v1/findings?severity=critical,high&limit=50', { headers });
      expect(res.status).toBe(200);
      expect(res.body.next_cursor).toBeNull();
      expect(res.body.findings.map((f: { severity: string }) => f.severity).sort()).toEqual(['critical', 'critical', 'high']);
      expect(new Set(res.body.findings.map((f: { scan_id: string }) => f.scan_id))).toEqual(new Set([a, b]));

      const byCheck = await rest.get('/api/v1/findings?check_id=secrets.js-bundle-sweep', { headers });
      expect(byCheck.body.findings).toHaveLength(2);
      const recent = await rest.get(`/api/v1/findings?since=${encodeURIComponent(since)}`, { headers });
      expect(recent.body.findings.map((f: { scan_id: string }) => f.scan_id)).toEqual([b, b, b]);

      const page = await rest.get('/api/v1/findings?limit=2', { headers });
      expect(page.body.findings).toHaveLength(2);
      const last = page.body.findings[1];
      expect(page.body.next_cursor).toBe(`${last.created_at}:${last.id}`);
      const rest2 = await rest.get(`/api/v1/findings?limit=50&cursor=${encodeURIComponent(page.body.next_cursor)}`, { headers });
      expect(rest2.body.findings).toHaveLength(3);
      const seen = [...page.body.findings, ...rest2.body.findings].map((f: { id: string }) => f.id);
      expect(new Set(seen).size).toBe(5);
    } finally {
      tenant = saved;
    }
  });

  it('refuses a missing or unknown bearer token with invalid_token', async () => {
    const none = await rest.get('/api/v1/scans');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: 'invalid_token' });
    const unknown = await rest.get('/api/v1/scans', { headers: { authorization: `Bearer fxv_${'A'.repeat(43)}` } });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({ error: 'invalid_token' });
  });
});
