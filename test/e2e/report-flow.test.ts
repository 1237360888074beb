import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { readFileSync } from 'node:fs';
import { parseCredentialRef, REPORT_GRANT_HEADER, REPORT_GRANT_OPERATION, ReportGrantSigner, ReportUrlSigner } from '../../lib/auth/report-url.js';
import { openModuleOrm } from '../../lib/db/orm.js';
import { findingsDb, FindingLifecycle, FindingWriter } from '../../subgraphs/findings/src/module.js';
import { newFinding } from '../factories/finding.js';
import { seedClientWithKey, seedTenant, type SeededTenant } from '../factories/tenant.js';
import { attr, parseReport, safetyProblems } from '../integration/rest/report-html-check.js';
import { ALL_SECURITY_HEADERS, startLabTarget, type LabTarget } from '../lab/lab-target.js';
import { eventually, gql } from '../support/graphql.js';
import { restClient, type RestClient } from '../support/rest.js';
import { startTestStack, type TestStack } from './stack.js';

/** This file's loopback address: every lab target listens here. */
const ADDRESS = '127.0.0.66';
const HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '</style><style>body{display:none}</style>'];
const TYPES = ['executive', 'technical', 'compliance'] as const;
const SUMMARY = 'query($id: ID!) { scan(id: $id) { status findingsSummary { total critical high medium low info } client { id } } }';
const REPORT_URL = 'query($id: ID!, $type: ReportType!) { scan(id: $id) { reportUrl(type: $type) } }';

describe('reports through the real stack', () => {
  let t: TestStack;
  let rest: RestClient;
  let tenant: SeededTenant;
  let hostile: LabTarget;
  let hardened: LabTarget;
  let release: () => void = () => undefined;
  let held: LabTarget;
  const key = () => ({ 'x-api-key': tenant.apiKey });
  const ids: { hostile: string; clean: string; big: string; failed: string } = { hostile: '', clean: '', big: '', failed: '' };

  const scanOf = async (target: string): Promise<string> => {
    const res = await rest.post('/scan', { headers: key(), body: { target, target_type: 'url', scan_profile: 'light' } });
    expect(res.status).toBe(200);
    return res.body.job_id as string;
  };
  const finished = (id: string) =>
    eventually(async () => {
      const s = (await gql(t.stack.gatewayUrl, SUMMARY, { id }, key())).data!.scan;
      return ['COMPLETED', 'FAILED', 'CANCELLED'].includes(s.status) ? s : null;
    }, 90_000, `scan ${id} to end`);
  const report = (id: string, type: string, query: Record<string, string> = {}, headers: Record<string, string> = key()) =>
    rest.get(`/scan/${id}/report/${type}`, { headers, query });

  beforeAll(async () => {
    const body = `<!doctype html><html><head><title>${HOSTILE.join(' ')}</title></head><body><h1>Welcome ${HOSTILE.join(' ')}</h1><p>banner: ${HOSTILE.join(' ')}</p></body></html>`;
    hostile = await startLabTarget({ host: ADDRESS, body, headers: { server: `Apache/2.4.49 (Unix) ${HOSTILE.join(' ')}`, 'x-powered-by': `PHP/5.6.40 ${HOSTILE[1]}` } });
    hardened = await startLabTarget({ host: ADDRESS, headers: ALL_SECURITY_HEADERS });
    held = await startLabTarget({ host: ADDRESS, headers: {}, hold: new Promise<void>((r) => (release = r)) });
    t = await startTestStack('report-flow', { workers: 1 });
    rest = restClient(t);
    tenant = await seedTenant(t.databaseUrl);
    ids.hostile = await scanOf(hostile.url);
    ids.clean = await scanOf(hardened.url);
    await finished(ids.hostile);
    await finished(ids.clean);
    // A scan held mid-flight by its target, then cancelled: a failed report.
    ids.failed = await scanOf(held.url);
    await eventually(async () => held.requests.length > 0, 60_000, 'the held scan to reach its target');
    await gql(t.stack.gatewayUrl, 'mutation($id: ID!) { cancelScan(id: $id) { id } }', { id: ids.failed }, key());
    release();
    await finished(ids.failed);
    // 500 findings written for a real scan row, as the worker records them.
    ids.big = await scanOf(hardened.url);
    const done = await finished(ids.big);
    const orm = await openModuleOrm(findingsDb, { url: t.databaseUrl, poolMax: 1 });
    try {
      const owner = { accountId: tenant.accountId, clientId: done.client.id as string, scanId: ids.big };
      const sev = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'] as const;
      const found = Array.from({ length: 500 }, (_, i) => newFinding({ checkId: 'headers.csp-missing', severity: sev[i % 5], title: `Finding ${i}`, location: `loc-${i}`, evidence: { i, note: 'x'.repeat(i % 7 === 0 ? 3000 : 20) } }));
      await new FindingWriter(orm.em.fork()).record(owner, found);
      await new FindingLifecycle(orm.em.fork()).seen(owner, found);
    } finally {
      await orm.close();
    }
  }, 240_000);
  afterAll(async () => {
    release();
    await t?.stop();
    await Promise.all([hostile?.close(), hardened?.close(), held?.close()]);
  });

  it('a hostile target\'s title, headers and banner are never live in any report', async () => {
    const s = (await gql(t.stack.gatewayUrl, SUMMARY, { id: ids.hostile }, key())).data!.scan;
    expect(s.status).toBe('COMPLETED');
    expect(s.findingsSummary.total).toBeGreaterThan(0);
    let seen = 0;
    for (const type of TYPES) {
      const res = await report(ids.hostile, type);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; img-src data:/);
      expect(res.headers.get('content-security-policy')).not.toMatch(/script/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(safetyProblems(res.text), type).toEqual([]);
      const page = parseReport(res.text);
      for (const h of HOSTILE) if (page.text.includes(h)) seen++;
      expect(page.elements.filter((e) => e.tagName === 'img')).toEqual([]);
    }
    // The Server header's hostile text reached the technical report's evidence, as text.
    expect(seen).toBeGreaterThan(0);
    const tech = parseReport((await report(ids.hostile, 'technical')).text);
    expect(tech.cardIds).toHaveLength(s.findingsSummary.total);
  });

  it('each report renders for no findings, 500 findings and a failed scan, with the findings API\'s counts', async () => {
    for (const [id, total] of [[ids.clean, 0], [ids.big, 500]] as const) {
      const summary = (await gql(t.stack.gatewayUrl, SUMMARY, { id }, key())).data!.scan.findingsSummary;
      expect(summary.total).toBe(total);
      const exec = parseReport((await report(id, 'executive')).text);
      for (const sev of ['critical', 'high', 'medium', 'low', 'info']) {
        expect(exec.textOf(exec.elements.find((e) => attr(e, 'data-count') === sev)!)).toBe(String(summary[sev]));
      }
      const techRes = await report(id, 'technical', { paper: 'Letter' });
      expect(safetyProblems(techRes.text)).toEqual([]);
      expect(techRes.text).toContain('size: Letter');
      const tech = parseReport(techRes.text);
      expect(tech.cardIds).toHaveLength(total);
      expect(new Set(tech.cardIds).size).toBe(total);
      const comp = parseReport((await report(id, 'compliance')).text);
      const a89 = comp.elements.find((e) => attr(e, 'data-control') === 'A.8.9')!;
      expect(attr(a89, 'data-status')).toBe(total ? 'failed' : 'passed');
      if (!total) for (const p of [exec, tech, comp]) expect(p.byId('clean-result')).toBeDefined();
    }
    const failed = (await gql(t.stack.gatewayUrl, SUMMARY, { id: ids.failed }, key())).data!.scan;
    expect(failed.status).toBe('CANCELLED');
    for (const type of TYPES) {
      const page = parseReport((await report(ids.failed, type)).text);
      expect(page.textOf(page.byId('scan-notice')!)).toContain('This scan was cancelled');
      expect(page.cardIds).toEqual([]);
    }
  });

  it('access: another client\'s scan is 404, bad input 400, PDF without Chromium 501, the key never in the page', async () => {
    const other = await seedTenant(t.databaseUrl);
    const foreign = await report(ids.clean, 'executive', {}, { 'x-api-key': other.apiKey });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ error: 'not_found' });
    const sibling = await seedClientWithKey(t.databaseUrl, tenant.accountId, 'Sibling');
    expect((await report(ids.clean, 'executive', {}, { 'x-api-key': sibling.apiKey })).status).toBe(404);
    expect((await report(ids.clean, 'summary')).status).toBe(400);
    expect((await report(ids.clean, 'executive', { paper: 'A3' })).status).toBe(400);
    expect((await report(ids.clean, 'executive', {}, {})).status).toBe(401);
    const viaQuery = await report(ids.hostile, 'technical', { api_key: tenant.apiKey }, {});
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.text).not.toContain(tenant.apiKey);
    expect(viaQuery.text).not.toContain('api_key');
    const pdf = await report(ids.clean, 'executive', { format: 'pdf' });
    if (pdf.status === 501) expect(pdf.body).toEqual({ error: 'not_implemented', message: "Set CHROMIUM_PATH to a Chromium (e.g. Debian's chromium) to render PDF" });
    else expect(pdf.headers.get('content-type')).toBe('application/pdf');
  });

  it('signed links: work without a key for that scan and type only, until expiry or revocation', async () => {
    const url = (await gql(t.stack.gatewayUrl, REPORT_URL, { id: ids.hostile, type: 'TECHNICAL' }, key())).data!.scan.reportUrl as string;
    const link = new URL(url);
    expect(link.origin).toBe(rest.baseUrl);
    expect(link.pathname).toBe(`/scan/${ids.hostile}/report/technical`);
    expect(url).not.toContain(tenant.apiKey);
    const q = Object.fromEntries(link.searchParams);
    const ok = await report(ids.hostile, 'technical', q, {});
    expect(ok.status).toBe(200);
    expect(safetyProblems(ok.text)).toEqual([]);
    expect(ok.text).not.toContain(q.sig!);
    // Another type, another scan, an altered signature or expiry: 401.
    expect((await report(ids.hostile, 'executive', q, {})).status).toBe(401);
    expect((await report(ids.clean, 'technical', q, {})).status).toBe(401);
    expect((await report(ids.hostile, 'technical', { ...q, sig: q.sig!.slice(0, -2) + 'AA' }, {})).status).toBe(401);
    expect((await report(ids.hostile, 'technical', { ...q, exp: String(Number(q.exp) + 60) }, {})).status).toBe(401);
    const expired = new ReportUrlSigner(t.stack.secret).sign(ids.hostile, 'technical', { kind: 'key', id: q.cred!.slice(4) }, Math.floor(Date.now() / 1000) - 5);
    const late = await report(ids.hostile, 'technical', { exp: String(expired.exp), cred: expired.cred, sig: expired.sig }, {});
    expect(late.status).toBe(401);
    expect(late.body.error).toBe('invalid_token');
    // A key's links stop working when the key is revoked.
    const created = await gql(t.stack.gatewayUrl, 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id } } }', { input: { name: 'report reader', scopes: ['scans:read', 'findings:read', 'reports:read'] } }, key());
    const reader = created.data!.createApiKey;
    const readerUrl = new URL((await gql(t.stack.gatewayUrl, REPORT_URL, { id: ids.clean, type: 'EXECUTIVE' }, { 'x-api-key': reader.key })).data!.scan.reportUrl);
    const rq = Object.fromEntries(readerUrl.searchParams);
    expect((await report(ids.clean, 'executive', rq, {})).status).toBe(200);
    await gql(t.stack.gatewayUrl, 'mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }', { id: reader.apiKey.id }, key());
    expect((await report(ids.clean, 'executive', rq, {})).status).toBe(401);
    expect((await report(ids.clean, 'executive', {}, { 'x-api-key': reader.key })).status).toBe(401);
  });

  it('a link acts with read scopes only: its grant cannot be replayed to the gateway for anything else', async () => {
    const res = await fetch(t.stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fixfirst-report-grant': `key.${uuidv7()}.${uuidv7()}.${Math.floor(Date.now() / 1000)}.AAAA` },
      body: JSON.stringify({ query: '{ me { scopes } }' }),
    });
    expect(res.status).toBe(401);
  });

  it("a valid grant runs the report's operation for its own scan and nothing else", async () => {
    const link = new URL((await gql(t.stack.gatewayUrl, REPORT_URL, { id: ids.clean, type: 'TECHNICAL' }, key())).data!.scan.reportUrl);
    const cred = parseCredentialRef(link.searchParams.get('cred'))!;
    const grant = new ReportGrantSigner(t.stack.secret).sign({ cred, scanId: ids.clean });
    const document = readFileSync(REPORT_GRANT_OPERATION.file, 'utf8');
    const asGrant = async (query: string, variables: Record<string, unknown>) => {
      const res = await fetch(t.stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', [REPORT_GRANT_HEADER]: grant }, body: JSON.stringify({ query, variables }) });
      return (await res.json()) as { data?: { scan?: { id: string } | null } | null; errors?: { extensions?: { code?: string } }[] };
    };
    const own = await asGrant(document, { id: ids.clean, pageSize: 25, full: true });
    expect(own.errors).toBeUndefined();
    expect(own.data?.scan?.id).toBe(ids.clean);
    // The same operation for another scan of the same client, or any other operation: refused.
    for (const [query, variables] of [
      [document, { id: ids.hostile, pageSize: 25, full: true }],
      ['{ me { scopes } }', {}],
      ['query($id: ID!) { scan(id: $id) { id } }', { id: ids.clean }],
      [document.replace('query ReportData(', 'query Other('), { id: ids.clean, pageSize: 25, full: true }],
    ] as const) {
      const res = await asGrant(query, variables);
      expect(res.data?.scan ?? null, query.slice(0, 40)).toBeNull();
      expect(res.errors?.[0]?.extensions?.code, query.slice(0, 40)).toBe('FORBIDDEN');
    }
  });
});
