import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant, type SeededTenant } from '../factories/tenant.js';
import { collect, gql, wsClient } from '../support/graphql.js';
import { ALL_SECURITY_HEADERS, startLabTarget, type LabTarget } from '../lab/lab-target.js';
import { startTestStack, type TestStack } from './stack.js';

const CREATE = `mutation Create($input: CreateScanInput!) {
  createScan(input: $input) { id status target targetType profile mode progress triggeredBy client { id name } }
}`;
const UPDATES = `subscription Updates($id: ID!) {
  scanUpdated(id: $id) { id status progress error findingsSummary { total critical high medium low info } client { name } }
}`;
const FINDINGS = `query Findings($id: ID!) {
  scan(id: $id) { status findings(first: 100) { edges { node { checkId severity title evidence remediation cweId scanId target } } } }
}`;

interface Update {
  scanUpdated: { id: string; status: string; progress: number; error: string | null; findingsSummary: Record<string, number>; client: { name: string } };
}

const HEADER_CHECKS = [
  'headers.csp-missing',
  'headers.x-content-type-options-missing',
  'headers.clickjacking-protection-missing',
  'headers.referrer-policy-missing',
  'headers.permissions-policy-missing',
];

describe('a scan through the gateway, end to end', () => {
  let t: TestStack;
  let tenant: SeededTenant;
  let bare: LabTarget;
  let hardened: LabTarget;
  const auth = () => ({ 'x-api-key': tenant.apiKey });

  beforeAll(async () => {
    // No worker yet: the first test subscribes while its scan is still QUEUED, then starts one.
    // Identity tokens live 2 s here (1-2 s, as exp is whole seconds): a subscription outlives
    // several and must keep resolving.
    t = await startTestStack('scan-flow', { workers: 0, env: { IDENTITY_TTL_SECONDS: '2' } });
    tenant = await seedTenant(t.databaseUrl);
    bare = await startLabTarget({ headers: { server: 'lab/1.0' } });
    hardened = await startLabTarget({ headers: ALL_SECURITY_HEADERS });
  });
  afterAll(async () => {
    await bare?.close();
    await hardened?.close();
    await t?.stop();
  });

  it('streams QUEUED, RUNNING and COMPLETED with findingsSummary resolved on every event', async () => {
    const created = await gql(t.stack.gatewayUrl, CREATE, { input: { target: bare.url, targetType: 'URL', clientName: 'Acme Corp' } }, auth());
    expect(created.errors).toBeUndefined();
    const scan = created.data!.createScan;
    expect(scan).toMatchObject({ status: 'QUEUED', target: bare.url, targetType: 'URL', profile: 'STANDARD', mode: 'PASSIVE', triggeredBy: 'api' });
    expect(scan.client.name).toBe('Acme Corp');

    const client = wsClient(t.stack.gatewayUrl, tenant.apiKey);
    let workerStarted: Promise<unknown> = Promise.resolve();
    try {
      const events = await collect<Update>(client, UPDATES, { id: scan.id }, {
        deadlineMs: 90_000,
        onEvent: (_e, i) => {
          // Start the worker only after the first token has expired.
          if (i === 0) workerStarted = new Promise((r) => setTimeout(r, 2500)).then(() => t.stack.startWorker());
        },
      });
      await workerStarted;
      const statuses = events.map((e) => e.scanUpdated.status);
      expect(statuses[0]).toBe('QUEUED');
      expect(statuses.at(-1)).toBe('COMPLETED');
      expect(statuses).toContain('RUNNING');
      expect(statuses.indexOf('RUNNING')).toBeLessThan(statuses.indexOf('COMPLETED'));
      // every step is delivered once, in order: QUEUED, RUNNING at 0, progress steps, COMPLETED
      expect(statuses.filter((s) => s === 'QUEUED')).toHaveLength(1);
      expect(statuses.filter((s) => s === 'COMPLETED')).toHaveLength(1);
      expect(events.length).toBeGreaterThanOrEqual(4);
      for (const e of events) {
        expect(e.scanUpdated.id).toBe(scan.id);
        expect(e.scanUpdated.client.name).toBe('Acme Corp');
        expect(e.scanUpdated.findingsSummary).toEqual(expect.objectContaining({ total: expect.any(Number) }));
      }
      const last = events.at(-1)!.scanUpdated;
      expect(last.progress).toBe(100);
      // The header checks, plus the version its Server header discloses (lab/1.0).
      expect(last.findingsSummary.total).toBe(HEADER_CHECKS.length + 1);
      const progress = events.map((e) => e.scanUpdated.progress);
      expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    } finally {
      await client.dispose();
    }

    const found = await gql(t.stack.gatewayUrl, FINDINGS, { id: scan.id }, auth());
    expect(found.errors).toBeUndefined();
    const nodes = found.data!.scan.findings.edges.map((e: any) => e.node);
    // Plain HTTP: HSTS does not apply; every other header is missing.
    expect(nodes.map((n: any) => n.checkId).sort()).toEqual([...HEADER_CHECKS, 'software.version-disclosure'].sort());
    const disclosure = nodes.find((n: any) => n.checkId === 'software.version-disclosure');
    expect(JSON.stringify(disclosure.evidence)).toContain('lab/1.0');
    for (const n of nodes.filter((n: any) => n.checkId.startsWith('headers.'))) {
      expect(n.scanId).toBe(scan.id);
      expect(n.target).toBe(bare.url);
      expect(n.evidence.headers).toMatchObject({ server: 'lab/1.0' });
      expect(n.remediation.length).toBeGreaterThan(20);
    }
    expect(bare.requests.length).toBeGreaterThan(0);

    // The client's remediation metrics count the same open findings, by severity and priority.
    const metrics = await gql(
      t.stack.gatewayUrl,
      `query { findingMetrics { client { name } open { total critical high medium low info } overdue fixed sla { priority slaDays open overdue } } }`,
      {},
      auth(),
    );
    expect(metrics.errors).toBeUndefined();
    const acme = metrics.data!.findingMetrics.find((m: any) => m.client.name === 'Acme Corp');
    const bySeverity = (s: string) => nodes.filter((n: any) => n.severity === s).length;
    expect(acme.open).toEqual({ total: nodes.length, critical: bySeverity('CRITICAL'), high: bySeverity('HIGH'), medium: bySeverity('MEDIUM'), low: bySeverity('LOW'), info: bySeverity('INFO') });
    expect(acme).toMatchObject({ overdue: 0, fixed: 0 });
    expect(acme.sla.map((r: any) => [r.priority, r.slaDays])).toEqual([['critical', 2], ['high', 7], ['medium', 30], ['low', 90]]);
  });

  it('delivers the final state to a subscriber that arrives after the scan ended', async () => {
    const created = await gql(t.stack.gatewayUrl, CREATE, { input: { target: hardened.url, targetType: 'URL' } }, auth());
    const id = created.data!.createScan.id;
    const done = async () => (await gql(t.stack.gatewayUrl, `query($id: ID!) { scan(id: $id) { status } }`, { id }, auth())).data?.scan.status;
    const end = Date.now() + 60_000;
    while ((await done()) !== 'COMPLETED' && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    const client = wsClient(t.stack.gatewayUrl, tenant.apiKey);
    try {
      const events = await collect<Update>(client, UPDATES, { id }, { deadlineMs: 20_000 });
      expect(events).toHaveLength(1);
      expect(events[0]!.scanUpdated.status).toBe('COMPLETED');
    } finally {
      await client.dispose();
    }
  });

  it('reports none of the header findings for a target that sends every header', async () => {
    const created = await gql(t.stack.gatewayUrl, CREATE, { input: { target: hardened.url, targetType: 'URL' } }, auth());
    const id = created.data!.createScan.id;
    const client = wsClient(t.stack.gatewayUrl, tenant.apiKey);
    try {
      const events = await collect<Update>(client, UPDATES, { id }, { deadlineMs: 60_000 });
      expect(events.at(-1)!.scanUpdated.status).toBe('COMPLETED');
      expect(events.at(-1)!.scanUpdated.findingsSummary.total).toBe(0);
    } finally {
      await client.dispose();
    }
    const found = await gql(t.stack.gatewayUrl, `query($f: FindingFilter) { findings(filter: $f) { edges { node { checkId } } } }`, { f: { scanId: id } }, auth());
    expect(found.data!.findings.edges).toEqual([]);
  });

  it('fails a scan whose target does not answer, with a readable error', async () => {
    const closed = await startLabTarget({ headers: {} });
    const url = closed.url;
    await closed.close();
    const created = await gql(t.stack.gatewayUrl, CREATE, { input: { target: url, targetType: 'URL' } }, auth());
    const client = wsClient(t.stack.gatewayUrl, tenant.apiKey);
    try {
      const events = await collect<Update>(client, UPDATES, { id: created.data!.createScan.id }, { deadlineMs: 60_000 });
      const last = events.at(-1)!.scanUpdated;
      expect(last.status).toBe('FAILED');
      expect(last.error).toMatch(/ECONNREFUSED|refused/i);
    } finally {
      await client.dispose();
    }
  });

  it('lists scans newest first with a cursor that pages without overlap', async () => {
    const first = await gql(t.stack.gatewayUrl, `{ scans(first: 2) { edges { cursor node { id createdAt } } pageInfo { hasNextPage endCursor } } }`, {}, auth());
    expect(first.errors).toBeUndefined();
    const page1 = first.data!.scans;
    expect(page1.edges).toHaveLength(2);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const second = await gql(
      t.stack.gatewayUrl,
      `query($after: String) { scans(first: 100, after: $after) { edges { node { id createdAt } } pageInfo { hasNextPage } } }`,
      { after: page1.pageInfo.endCursor },
      auth(),
    );
    const ids1 = page1.edges.map((e: any) => e.node.id);
    const ids2 = second.data!.scans.edges.map((e: any) => e.node.id);
    expect(ids2.length).toBeGreaterThan(0);
    expect(ids1.filter((id: string) => ids2.includes(id))).toEqual([]);
    const times = [...page1.edges, ...second.data!.scans.edges].map((e: any) => Date.parse(e.node.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('answers me with the account, scopes and no client for an account key', async () => {
    const me = await gql(t.stack.gatewayUrl, `{ me { account { id name } client { id } scopes } }`, {}, auth());
    expect(me.errors).toBeUndefined();
    expect(me.data!.me.account.id).toBe(tenant.accountId);
    expect(me.data!.me.client).toBeNull();
    expect(me.data!.me.scopes).toContain('scans:write');
  });

  it("resolves a scan's client with its plan and usage from the billing subgraph", async () => {
    const res = await gql(
      t.stack.gatewayUrl,
      `{ scans(first: 1) { edges { node { client { name plan { tier scanLimit } usage { used limit periodStart } } } } } plans { tier scanLimit } }`,
      {},
      auth(),
    );
    expect(res.errors).toBeUndefined();
    const client = res.data!.scans.edges[0].node.client;
    expect(client.plan.tier).toBe('enterprise');
    expect(client.usage.used).toBeGreaterThan(0);
    expect(res.data!.plans.map((p: any) => [p.tier, p.scanLimit])).toEqual([
      ['trial', 2],
      ['starter', 5],
      ['professional', null],
      ['enterprise', null],
    ]);
  });

  it("never shows one tenant's scan to another", async () => {
    const other = await seedTenant(t.databaseUrl);
    const mine = await gql(t.stack.gatewayUrl, `{ scans(first: 1) { edges { node { id } } } }`, {}, auth());
    const id = mine.data!.scans.edges[0].node.id;
    const res = await gql(t.stack.gatewayUrl, `query($id: ID!) { scan(id: $id) { id } }`, { id }, { 'x-api-key': other.apiKey });
    expect(res.data!.scan).toBeNull();
    const list = await gql(t.stack.gatewayUrl, `{ scans { edges { node { id } } } findings { edges { node { id } } } }`, {}, { 'x-api-key': other.apiKey });
    expect(list.data!.scans.edges).toEqual([]);
    expect(list.data!.findings.edges).toEqual([]);
  });
});
