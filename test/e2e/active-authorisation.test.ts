import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedClientWithKey, seedTenant, type SeededTenant } from '../factories/tenant.js';
import { startDnsServer, type LabDnsServer } from '../lab/dns-server.js';
import { collect, gql, wsClient } from '../support/graphql.js';
import { startTestStack, type TestStack } from './stack.js';

const ADDRESS = '127.0.0.63';
const USER_AGENT = 'active-authorisation-e2e/1.0';
const CREATE = `mutation Create($input: CreateScanInput!) { createScan(input: $input) { id status mode } }`;
const ADD = `mutation Add($input: AddDomainInput!) { addDomain(input: $input) { id domain token verified
  instructions { dnsRecordName dnsRecordType dnsRecordValue httpUrls httpFileContent } } }`;
const VERIFY = `mutation Verify($id: ID!, $method: VerificationMethod!) { verifyDomain(id: $id, method: $method) { verified reason domain { verified method verifiedAt expiresAt coversSubdomains } } }`;
const AUTHORISATION = `query Scan($id: ID!) { scan(id: $id) { status mode authorisation { authorised authorisedBy statement source sourceId target createdBy createdAt
  sourceIp userAgent proof { kind domainId domain method verifiedAt attestationId attestedTarget } } } }`;
const UPDATES = `subscription Updates($id: ID!) { scanUpdated(id: $id) { status error } }`;

describe('active scans need a paid plan, a verified target and an authorisation', () => {
  let t: TestStack;
  let tenant: SeededTenant;
  let dns: LabDnsServer;
  let site: http.Server;
  let port = 0;
  const headers = () => ({ 'x-api-key': tenant.apiKey, 'user-agent': USER_AGENT });
  const authorisation = { authorised: true, authorisedBy: 'Jane Roe (CISO)', statement: 'Change ticket SEC-42: quarterly test of our own lab host.' };

  beforeAll(async () => {
    dns = await startDnsServer({ host: ADDRESS, zone: { 'owned.lab.test': { A: [ADDRESS] }, 'unowned.lab.test': { A: [ADDRESS] } } });
    site = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>owned</title><p>ours</p>'));
    await new Promise<void>((resolve) => site.listen(0, ADDRESS, resolve));
    port = (site.address() as AddressInfo).port;
    t = await startTestStack('active-authorisation', {
      // Several calls a second with one key: the edge's rate limit is not what this file tests.
      env: { DNS_SERVERS: dns.server, VERIFY_ALLOW_HTTP: 'true', SCAN_FETCH_TIMEOUT_MS: '3000', RATE_LIMIT_ENABLED: 'false' },
    });
    tenant = await seedTenant(t.databaseUrl);
  });
  afterAll(async () => {
    await t?.stop();
    site?.closeAllConnections();
    await new Promise((r) => site?.close(r));
    await dns?.close();
  });

  async function verifiedByDns(domain: string): Promise<string> {
    const added = await gql(t.stack.gatewayUrl, ADD, { input: { domain } }, headers());
    expect(added.errors).toBeUndefined();
    const d = added.data!.addDomain;
    expect(d.instructions).toMatchObject({ dnsRecordName: `_fixfirst.${domain}`, dnsRecordType: 'TXT', dnsRecordValue: `fixfirst-verification=${d.token}`, httpFileContent: `${d.token}\n` });
    expect(d.instructions.httpUrls).toEqual([`https://${domain}/.well-known/fixfirst-verification.txt`, `http://${domain}/.well-known/fixfirst-verification.txt`]);
    dns.zone[d.instructions.dnsRecordName] = { TXT: [d.instructions.dnsRecordValue] };
    const verified = await gql(t.stack.gatewayUrl, VERIFY, { id: d.id, method: 'DNS' }, headers());
    expect(verified.errors).toBeUndefined();
    expect(verified.data!.verifyDomain).toMatchObject({ verified: true, reason: null, domain: { verified: true, method: 'DNS', coversSubdomains: true } });
    return d.id;
  }

  async function finalStatus(id: string): Promise<string> {
    const client = wsClient(t.stack.gatewayUrl, tenant.apiKey);
    try {
      const events = await collect<{ scanUpdated: { status: string } }>(client, UPDATES, { id }, { deadlineMs: 60_000 });
      return events.at(-1)!.scanUpdated.status;
    } finally {
      await client.dispose();
    }
  }

  it('runs an authorised active scan of a verified domain and keeps its authorisation record', async () => {
    const domainId = await verifiedByDns('owned.lab.test');
    const target = `http://owned.lab.test:${port}/`;
    const created = await gql(t.stack.gatewayUrl, CREATE, { input: { target, targetType: 'URL', mode: 'ACTIVE', profile: 'LIGHT', authorisation } }, headers());
    expect(created.errors).toBeUndefined();
    const id = created.data!.createScan.id as string;
    expect(await finalStatus(id)).toBe('COMPLETED');
    const res = await gql(t.stack.gatewayUrl, AUTHORISATION, { id }, headers());
    expect(res.errors).toBeUndefined();
    const record = res.data!.scan.authorisation;
    expect(record).toMatchObject({
      authorised: true,
      authorisedBy: 'Jane Roe (CISO)',
      statement: authorisation.statement,
      source: 'REQUEST',
      sourceId: null,
      target,
      sourceIp: '127.0.0.1',
      userAgent: USER_AGENT,
      proof: { kind: 'DOMAIN', domainId, domain: 'owned.lab.test', method: 'DNS', attestationId: null },
    });
    expect(record.createdBy).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(record.proof.verifiedAt)).toBeLessThanOrEqual(Date.parse(record.createdAt));

    // A passive scan needs none of this and has no record.
    const passive = await gql(t.stack.gatewayUrl, CREATE, { input: { target, targetType: 'URL', profile: 'LIGHT' } }, headers());
    expect(passive.errors).toBeUndefined();
    const plain = await gql(t.stack.gatewayUrl, AUTHORISATION, { id: passive.data!.createScan.id }, headers());
    expect(plain.data!.scan).toMatchObject({ mode: 'PASSIVE', authorisation: null });

    // The record is append-only for everyone, whatever code runs.
    const db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      await expect(db.query(`update scans.scan_authorisation set authorised_by = 'Mallory' where scan_id = $1`, [id])).rejects.toThrow(/scan_authorisation is append-only: UPDATE is not allowed/);
      await expect(db.query('delete from scans.scan_authorisation where scan_id = $1', [id])).rejects.toThrow(/append-only: DELETE is not allowed/);
      await expect(db.query('truncate scans.scan_authorisation')).rejects.toThrow(/append-only: TRUNCATE is not allowed/);
      const rows = await db.query('select authorised_by from scans.scan_authorisation where scan_id = $1', [id]);
      expect(rows.rows).toEqual([{ authorised_by: 'Jane Roe (CISO)' }]);
    } finally {
      await db.end();
    }
  });

  it('refuses an active scan without an authorisation, or with authorised false, saying so', async () => {
    await verifiedByDns('owned.lab.test');
    const input = { target: 'owned.lab.test', targetType: 'DOMAIN', mode: 'ACTIVE', profile: 'LIGHT' };
    const missing = await gql(t.stack.gatewayUrl, CREATE, { input }, headers());
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_AUTHORISED' });
    expect(missing.errors?.[0]?.message).toMatch(/Active scans need an explicit authorisation/);
    const declined = await gql(t.stack.gatewayUrl, CREATE, { input: { ...input, authorisation: { authorised: false } } }, headers());
    expect(declined.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_AUTHORISED' });
    expect(declined.errors?.[0]?.message).toMatch(/was not authorised/);
  });

  it('refuses an active scan of an unverified target, and one on a plan without active scans', async () => {
    const unverified = await gql(t.stack.gatewayUrl, CREATE, { input: { target: 'unowned.lab.test', targetType: 'DOMAIN', mode: 'ACTIVE', authorisation } }, headers());
    expect(unverified.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'TARGET_UNVERIFIED' });
    expect(unverified.errors?.[0]?.message).toMatch(/unowned\.lab\.test is not a verified domain of this client: add it with addDomain/);
    const ip = await gql(t.stack.gatewayUrl, CREATE, { input: { target: ADDRESS, targetType: 'IP', mode: 'ACTIVE', authorisation } }, headers());
    expect(ip.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'TARGET_UNVERIFIED' });
    expect(ip.errors?.[0]?.message).toMatch(/attest them first with attestTarget/);

    const trial = await seedClientWithKey(t.databaseUrl, tenant.accountId, 'Trial Co');
    const db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      await db.query(`insert into billing.client_plan (client_id, account_id, tier, subscribed_at, updated_at) values ($1, $2, 'trial', now(), now())`, [trial.clientId, tenant.accountId]);
    } finally {
      await db.end();
    }
    const refused = await gql(t.stack.gatewayUrl, CREATE, { input: { target: ADDRESS, targetType: 'IP', mode: 'ACTIVE', authorisation } }, { 'x-api-key': trial.apiKey });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'PLAN_WITHOUT_ACTIVE_SCANS' });
    expect(refused.errors?.[0]?.message).toMatch(/Active scans need a paid plan; this client is on trial/);
  });

  it('runs an active scan of an attested address with the attestation as its proof', async () => {
    const attested = await gql(t.stack.gatewayUrl, `mutation($input: AttestTargetInput!) { attestTarget(input: $input) { id target sourceIp userAgent } }`, {
      input: { target: ADDRESS, statement: 'This lab address is ours to test.' },
    }, headers());
    expect(attested.errors).toBeUndefined();
    expect(attested.data!.attestTarget).toMatchObject({ target: `${ADDRESS}/32`, sourceIp: '127.0.0.1', userAgent: USER_AGENT });
    const created = await gql(t.stack.gatewayUrl, CREATE, { input: { target: `http://${ADDRESS}:${port}/`, targetType: 'URL', mode: 'ACTIVE', profile: 'LIGHT', authorisation: { authorised: true } } }, headers());
    expect(created.errors).toBeUndefined();
    const id = created.data!.createScan.id as string;
    const res = await gql(t.stack.gatewayUrl, AUTHORISATION, { id }, headers());
    expect(res.data!.scan.authorisation).toMatchObject({
      authorisedBy: null,
      statement: expect.stringMatching(/^I confirm that I own this target/),
      proof: { kind: 'ATTESTATION', attestationId: attested.data!.attestTarget.id, attestedTarget: `${ADDRESS}/32`, domainId: null },
    });
    expect(await finalStatus(id)).toBe('COMPLETED');
  });
});
