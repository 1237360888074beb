import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedClientWithKey, seedTenant, type SeededTenant } from '../factories/tenant.js';
import { openModuleOrm } from '../../lib/db/orm.js';
import { findingsDb, FindingWriter } from '../../subgraphs/findings/src/module.js';
import { newFinding } from '../factories/finding.js';
import { startDnsServer, type LabDnsServer } from '../lab/dns-server.js';
import { startLabTarget, type LabTarget } from '../lab/lab-target.js';
import { eventually, gql } from '../support/graphql.js';
import { restClient, type RestClient } from '../support/rest.js';
import { startTestStack, type TestStack } from './stack.js';

/** This file's loopback address: the lab target and the DNS server that answers the documents' names. */
const ADDRESS = '127.0.0.65';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The published document's request bodies, verbatim (without the `//` annotations). */
const DOC = {
  scan: { target: 'company.com', target_type: 'domain', scan_profile: 'standard', client_name: 'Acme Corp' },
  authorised: { target: 'company.com', target_type: 'domain', scan_profile: 'standard', client_name: 'Acme Corp', authorised: true, authorised_by: 'John Smith' },
  register: { name: 'Acme Corp', email: 'security@acme.com', company: 'Acme Corporation', tier: 'trial' },
  remediate: { status: 'fixed', note: 'Patched in deploy 2.4.1', updated_by: 'John Smith' },
};

const ENRICHED_FIELDS = [
  'title', 'severity', 'fixfirst_score', 'fixfirst_priority', 'kev_flagged', 'epss_score', 'mitre_tactic_id', 'mitre_technique_id',
  'd3fend_countermeasures', 'cwe_id', 'cis_control_id', 'iso27001_control_id', 'iso27001_control_name', 'fix_urgency', 'status',
  'id', 'finding_id', 'check_id', 'description', 'evidence', 'remediation', 'scan_id', 'created_at', 'cve_ids', 'epss_percentile',
  'mitre_tactic_name', 'mitre_technique_name', 'cwe_name', 'fingerprint', 'first_seen', 'last_seen', 'fixed_at', 'regressed',
];

describe('the Fix First REST dialect, as its published document writes the requests', () => {
  let t: TestStack;
  let dns: LabDnsServer;
  let lab: LabTarget;
  let tenant: SeededTenant;
  let rest: RestClient;
  const key = () => ({ 'x-api-key': tenant.apiKey });

  beforeAll(async () => {
    // The documents' example names resolve to this file's loopback address only, and no worker
    // runs until every scan of them is cancelled: nothing is sent beyond loopback.
    dns = await startDnsServer({ host: ADDRESS, zone: { 'company.com': { A: [ADDRESS] } } });
    lab = await startLabTarget({ host: ADDRESS, headers: { server: 'lab/1.0' } });
    t = await startTestStack('rest-fixfirst', { workers: 0, env: { DNS_SERVERS: dns.server } });
    tenant = await seedTenant(t.databaseUrl);
    rest = restClient(t);
  });
  afterAll(async () => {
    await t?.stop();
    await lab?.close();
    await dns?.close();
  });

  const scanCount = async (): Promise<number> => {
    const res = await gql(t.stack.gatewayUrl, 'query { scans(first: 100) { edges { node { id } } } }', {}, key());
    return res.data!.scans.edges.length;
  };

  it('POST /scan queues the documented scan and answers job_id, status, target and message', async () => {
    const res = await rest.post('/scan', { headers: key(), body: DOC.scan });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'queued', target: 'company.com', mode: 'passive', target_type: 'domain', scan_profile: 'standard' });
    expect(res.body.job_id).toMatch(UUID);
    expect(res.body.message).toBe(`Scan queued. Track at /scan/${res.body.job_id}`);
    const scan = await gql(t.stack.gatewayUrl, 'query($id: ID!) { scan(id: $id) { targetType profile mode status client { name } } }', { id: res.body.job_id }, key());
    expect(scan.data!.scan).toEqual({ targetType: 'DOMAIN', profile: 'STANDARD', mode: 'PASSIVE', status: 'QUEUED', client: { name: 'Acme Corp' } });
  });

  it('GET /scan/{job_id} answers the documented status envelope', async () => {
    const created = await rest.post('/scan', { headers: key(), body: DOC.scan });
    const res = await rest.get(`/scan/${created.body.job_id}`, { headers: key() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ job_id: created.body.job_id, status: 'queued', target: 'company.com', error: null, findings_summary: { total: 0, critical: 0, high: 0, medium: 0, low: 0, info: 0 } });
    // Another tenant's scan is simply not found.
    const other = await seedTenant(t.databaseUrl);
    const foreign = await rest.get(`/scan/${created.body.job_id}`, { headers: { 'x-api-key': other.apiKey } });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ error: 'not_found' });
  });

  it('POST /scan/authorised refuses an unverified target with the reason and creates nothing', async () => {
    const before = await scanCount();
    const res = await rest.post('/scan/authorised', { headers: key(), body: DOC.authorised });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'forbidden', reason: 'TARGET_UNVERIFIED' });
    const notAuthorised = await rest.post('/scan/authorised', { headers: key(), body: { ...DOC.authorised, authorised: false } });
    expect(notAuthorised.status).toBe(403);
    expect(notAuthorised.body.error).toBe('forbidden');
    const missing = await rest.post('/scan/authorised', { headers: key(), body: { ...DOC.authorised, authorised: undefined } });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: 'invalid_input', issues: [{ field: 'authorised', message: expect.any(String) }] });
    expect(await scanCount()).toBe(before);
  });

  it('POST /scan/authorised queues an active scan with its authorisation record once the domain is verified', async () => {
    const clients = await gql(t.stack.gatewayUrl, 'query { clients { id name } }', {}, key());
    const acme = clients.data!.clients.find((c: { name: string }) => c.name === 'Acme Corp');
    const added = await gql(t.stack.gatewayUrl, 'mutation($input: AddDomainInput!) { addDomain(input: $input) { id instructions { dnsRecordName dnsRecordValue } } }', { input: { domain: 'company.com', clientId: acme.id } }, key());
    const d = added.data!.addDomain;
    dns.zone[d.instructions.dnsRecordName] = { TXT: [d.instructions.dnsRecordValue] };
    const verified = await gql(t.stack.gatewayUrl, 'mutation($id: ID!) { verifyDomain(id: $id, method: DNS) { verified } }', { id: d.id }, key());
    expect(verified.data!.verifyDomain.verified).toBe(true);

    const res = await rest.post('/scan/authorised', { headers: { ...key(), 'user-agent': 'fixfirst-rest-e2e/1.0' }, body: DOC.authorised });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'queued', target: 'company.com', mode: 'active', message: `Scan queued. Track at /scan/${res.body.job_id}` });
    expect(res.body.authorisation).toMatchObject({
      authorised: true,
      authorised_by: 'John Smith',
      target: 'company.com',
      user_agent: 'fixfirst-rest-e2e/1.0',
      proof: { kind: 'domain', domain: 'company.com', method: 'dns', attested_target: null },
    });
    expect(res.body.authorisation.statement.length).toBeGreaterThan(10);
    const stored = await gql(t.stack.gatewayUrl, 'query($id: ID!) { scan(id: $id) { mode authorisation { authorisedBy } } }', { id: res.body.job_id }, key());
    expect(stored.data!.scan).toEqual({ mode: 'ACTIVE', authorisation: { authorisedBy: 'John Smith' } });
  });

  it('POST /clients/register issues a client token shown once; GET /clients/me answers with it, with or without the key', async () => {
    const owner = await seedTenant(t.databaseUrl);
    const res = await rest.post('/clients/register', { headers: { 'x-api-key': owner.apiKey }, body: DOC.register });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tier: 'trial', scan_limit: 2 });
    expect(res.body.client_id).toMatch(UUID);
    expect(res.body.token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);

    const expected = {
      client_id: res.body.client_id,
      name: 'Acme Corp',
      email: 'security@acme.com',
      company: 'Acme Corporation',
      tier: 'trial',
      scan_limit: 2,
      scans_used: 0,
      scans_remaining: 2,
      active_scans: false,
      billing_period: { type: 'total', start: expect.any(String), end: null },
      account: { id: owner.accountId, name: expect.any(String) },
    };
    // The document's way: the token alone.
    const tokenOnly = await rest.get('/clients/me', { headers: { authorization: `Bearer ${res.body.token}` } });
    expect(tokenOnly.status).toBe(200);
    expect(tokenOnly.body).toMatchObject({ ...expected, credential: { kind: 'client_token', scopes: expect.any(Array), expires_at: res.body.expires_at } });
    // The key with the token: the key's account narrowed to the token's client.
    const both = await rest.get('/clients/me', { headers: { 'x-api-key': owner.apiKey, authorization: `Bearer ${res.body.token}` } });
    expect(both.status).toBe(200);
    expect(both.body).toMatchObject({ ...expected, credential: { kind: 'api_key' } });

    // The usage moves with a scan of that client.
    const scanned = await rest.post('/scan', { headers: { 'x-api-key': owner.apiKey, authorization: `Bearer ${res.body.token}` }, body: { target: lab.url } });
    expect(scanned.status).toBe(200);
    const after = await rest.get('/clients/me', { headers: { 'x-api-key': owner.apiKey, authorization: `Bearer ${res.body.token}` } });
    expect(after.body).toMatchObject({ scans_used: 1, scans_remaining: 1 });
    await gql(t.stack.gatewayUrl, 'mutation($id: ID!) { cancelScan(id: $id) { id } }', { id: scanned.body.job_id }, { 'x-api-key': owner.apiKey });

    // A client API key alone names its client; an account-wide key alone names none.
    const clientKey = await seedClientWithKey(t.databaseUrl, owner.accountId, 'Beta Ltd');
    const viaKey = await rest.get('/clients/me', { headers: { 'x-api-key': clientKey.apiKey } });
    expect(viaKey.status).toBe(200);
    expect(viaKey.body).toMatchObject({ client_id: clientKey.clientId, name: 'Beta Ltd', credential: { kind: 'api_key' } });
    const accountWide = await rest.get('/clients/me', { headers: { 'x-api-key': owner.apiKey } });
    expect(accountWide.status).toBe(403);
    expect(accountWide.body).toMatchObject({ error: 'forbidden', reason: 'CLIENT_CREDENTIAL_REQUIRED' });
  });

  describe('a scan run to completion', () => {
    let jobId: string;

    beforeAll(async () => {
      // Every scan of the documents' names is cancelled before a worker exists.
      const queued = await gql(t.stack.gatewayUrl, 'query { scans(first: 100) { edges { node { id status } } } }', {}, key());
      for (const { node } of queued.data!.scans.edges) {
        if (node.status === 'QUEUED') await gql(t.stack.gatewayUrl, 'mutation($id: ID!) { cancelScan(id: $id) { id } }', { id: node.id }, key());
      }
      await t.stack.startWorker();
      const created = await rest.post('/scan', { headers: key(), body: { target: lab.url, target_type: 'url', scan_profile: 'light', client_name: 'Acme Corp' } });
      expect(created.status).toBe(200);
      jobId = created.body.job_id;
      await eventually(async () => (await rest.get(`/scan/${jobId}`, { headers: key() })).body.status === 'complete', 90_000, 'the scan completing');
      // More findings than one GraphQL page (50), as a noisy scan has: the route must follow every page.
      const scan = await gql(t.stack.gatewayUrl, 'query($id: ID!) { scan(id: $id) { client { id } } }', { id: jobId }, key());
      const orm = await openModuleOrm(findingsDb, { url: t.databaseUrl, poolMax: 1 });
      try {
        const extra = Array.from({ length: 60 }, (_, i) => newFinding({ checkId: 'exposure.backup-file', severity: 'HIGH', target: lab.url, location: `/backup-${i}.zip` }));
        await new FindingWriter(orm.em.fork()).record({ accountId: tenant.accountId, clientId: scan.data!.scan.client.id, scanId: jobId }, extra);
      } finally {
        await orm.close();
      }
    });

    it('GET /scan/{job_id} shows complete with the findings by severity', async () => {
      const res = await rest.get(`/scan/${jobId}`, { headers: key() });
      expect(res.body).toMatchObject({ job_id: jobId, status: 'complete', target: lab.url, error: null });
      const s = res.body.findings_summary;
      expect(s.total).toBeGreaterThan(0);
      expect(s.total).toBe(s.critical + s.high + s.medium + s.low + s.info);
    });

    it('GET /scan/{job_id}/findings returns every finding with the enrichment fields', async () => {
      const res = await rest.get(`/scan/${jobId}/findings`, { headers: key() });
      expect(res.status).toBe(200);
      const summary = (await rest.get(`/scan/${jobId}`, { headers: key() })).body.findings_summary;
      expect(res.body).toMatchObject({ job_id: jobId, status: 'complete', total: summary.total });
      expect(summary.total).toBeGreaterThan(60);
      expect(res.body.findings).toHaveLength(summary.total);
      expect(new Set(res.body.findings.map((f: { id: string }) => f.id)).size).toBe(summary.total);
      for (const f of res.body.findings) {
        for (const field of ENRICHED_FIELDS) expect(f, field).toHaveProperty(field);
        expect(f.finding_id).toBe(f.id);
        expect(f.scan_id).toBe(jobId);
        expect(['critical', 'high', 'medium', 'low', 'info']).toContain(f.severity);
        expect(f.status).toBe('open');
        expect(JSON.parse(f.d3fend_countermeasures)).toEqual(f.d3fend_countermeasures_list);
        if (f.cis_safeguard_id) expect(f.cis_control_id).toBe(`CIS-${f.cis_safeguard_id.split('.')[0]}`);
      }
      const csp = res.body.findings.find((f: { check_id: string }) => f.check_id === 'headers.csp-missing');
      expect(csp).toMatchObject({ cwe_id: expect.stringMatching(/^CWE-\d+$/), mitre_technique_id: expect.stringMatching(/^T\d+/), iso27001_control_id: expect.stringMatching(/^A\.\d/) });
    });

    it('PATCH /finding/{finding_id}/remediate records the change and its audit entry', async () => {
      const findings = (await rest.get(`/scan/${jobId}/findings`, { headers: key() })).body.findings;
      const target = findings[0];
      const res = await rest.patch(`/finding/${target.finding_id}/remediate`, { headers: key(), body: DOC.remediate });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        finding_id: target.finding_id,
        status: 'fixed',
        updated_at: expect.any(String),
        history_entry: { at: res.body.updated_at, from: 'open', to: 'fixed', note: 'Patched in deploy 2.4.1', updated_by: 'John Smith', actor_kind: 'user' },
      });
      const again = await rest.get(`/scan/${jobId}/findings`, { headers: key() });
      expect(again.body.findings.find((f: { id: string }) => f.id === target.id).status).toBe('fixed');

      const same = await rest.patch(`/finding/${target.finding_id}/remediate`, { headers: key(), body: DOC.remediate });
      expect(same.status).toBe(409);
      expect(same.body.error).toBe('conflict');
      const illegal = await rest.patch(`/finding/${target.finding_id}/remediate`, { headers: key(), body: { status: 'accepted_risk', note: 'later' } });
      expect(illegal.status).toBe(400);
      expect(illegal.body).toEqual({ error: 'invalid_input', issues: [{ field: 'status', message: expect.stringContaining('fixed') }] });
      const noNote = await rest.patch(`/finding/${findings[1].finding_id}/remediate`, { headers: key(), body: { status: 'accepted_risk', updated_by: 'John Smith' } });
      expect(noNote.status).toBe(400);
      expect(noNote.body.issues).toEqual([{ field: 'note', message: expect.any(String) }]);
    });

    it('reports a cancelled scan as failed, with the reason, in the published status words', async () => {
      const created = await rest.post('/scan', { headers: key(), body: { target: lab.url } });
      await gql(t.stack.gatewayUrl, 'mutation($id: ID!) { cancelScan(id: $id) { id } }', { id: created.body.job_id }, key());
      const res = await rest.get(`/scan/${created.body.job_id}`, { headers: key() });
      expect(res.body).toMatchObject({ status: 'failed', error: expect.stringMatching(/cancel/i) });
    });
  });
});
