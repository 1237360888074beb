import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import { REPO_ROOT } from '../../lib/paths.js';
import { fixfirstScore, priorityOf, urgencyOf } from '../../subgraphs/findings/src/finding/scoring.js';
import { IntelSyncService } from '../../subgraphs/findings/src/intel/intel-sync.service.js';
import { seedTenant, type SeededTenant } from '../factories/tenant.js';
import { collect, eventually, gql, wsClient } from '../support/graphql.js';
import { startTestStack, type TestStack } from './stack.js';

const CREATE = `mutation Create($input: CreateScanInput!) { createScan(input: $input) { id status } }`;
const EVENTS = `subscription Events($id: ID!) {
  scanEvents(id: $id) { scanId revision kind status progress checkId host detail findingsFound severity title finding { id checkId severity target } }
}`;
const UPDATES = `subscription Updates($id: ID!) {
  scanUpdated(id: $id) { status progress findingsFound activity { kind checkId host detail } stats { requests hostsReachable findings deadlineReached } }
}`;

interface ScanEvent {
  scanEvents: {
    revision: number;
    kind: string;
    status: string;
    checkId: string | null;
    findingsFound: number;
    severity: string | null;
    title: string | null;
    finding: { id: string; checkId: string; severity: string; target: string } | null;
  };
}

describe('the scanner through the API', () => {
  let t: TestStack;
  let tenant: SeededTenant;
  let site: http.Server;
  let siteUrl: string;
  const open = new Set<Socket>();
  const auth = () => ({ 'x-api-key': tenant.apiKey });

  beforeAll(async () => {
    // Per-request timeouts far longer than the test waits: only cancellation can end the tarpit.
    t = await startTestStack('scanner-api', { env: { SCAN_FETCH_TIMEOUT_MS: '120000', SCAN_MAX_CIDR_HOSTS: '4096' } });
    tenant = await seedTenant(t.databaseUrl);
    site = http.createServer((req, res) => {
      if (req.url === '/tarpit') return; // accepts, never answers
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'set-cookie': 'sessionid=abc123; Path=/' }).end('<!doctype html><title>api test</title><p>hello</p>');
    });
    site.on('connection', (s) => {
      open.add(s);
      s.on('close', () => open.delete(s));
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.31', () => r()));
    siteUrl = `http://127.0.0.31:${(site.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    site?.closeAllConnections();
    await new Promise((r) => site?.close(r));
    await t?.stop();
  });

  it('lists the check catalogue with stable ids, one probe each, filterable by mode and profile', async () => {
    const res = await gql(t.stack.gatewayUrl, `{ all: checks { id title category severity cweId confidence description evidence remediation mode profile probe }
      passiveLight: checks(mode: PASSIVE, profile: LIGHT) { id mode profile } }`, {}, auth());
    expect(res.errors).toBeUndefined();
    const all = res.data!.all as { id: string; category: string; mode: string; profile: string; remediation: string }[];
    expect(all.length).toBeGreaterThan(20);
    for (const c of all) {
      expect(c.id).toMatch(/^[a-z0-9]+\.[a-z0-9-]+$/);
      expect(c.id.startsWith(`${c.category}.`)).toBe(true);
      expect(c.remediation.length).toBeGreaterThan(20);
    }
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    const ids = all.map((c) => c.id);
    for (const published of ['headers.csp-missing', 'performance.delivery']) expect(ids).toContain(published);
    const light = res.data!.passiveLight as { mode: string; profile: string }[];
    expect(light.length).toBeGreaterThan(0);
    expect(light.length).toBeLessThan(all.length);
    expect(light.every((c) => c.mode === 'PASSIVE' && c.profile === 'LIGHT')).toBe(true);
  });

  it('streams every probe start and end and each finding as it is recorded', async () => {
    const created = await gql(t.stack.gatewayUrl, CREATE, { input: { target: siteUrl, targetType: 'URL', profile: 'STANDARD' } }, auth());
    expect(created.errors).toBeUndefined();
    const id = created.data!.createScan.id;
    const client = wsClient(t.stack.gatewayUrl, tenant.apiKey);
    try {
      const events = (await collect<ScanEvent>(client, EVENTS, { id }, { deadlineMs: 90_000 })).map((e) => e.scanEvents);
      expect(events[0]!.kind).toBe('STATUS');
      expect(events[0]!.status).toBe('QUEUED');
      expect(events.at(-1)!.status).toBe('COMPLETED');
      const revisions = events.map((e) => e.revision);
      expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
      expect(new Set(revisions).size).toBe(revisions.length);
      const started = events.filter((e) => e.kind === 'CHECK_STARTED').map((e) => e.checkId);
      const finished = events.filter((e) => e.kind === 'CHECK_FINISHED').map((e) => e.checkId);
      expect(started.length).toBeGreaterThan(3);
      expect([...finished].sort()).toEqual([...started].sort());
      const found = events.filter((e) => e.kind === 'FINDING');
      expect(found.length).toBe(events.at(-1)!.findingsFound);
      expect(found.map((e) => e.finding!.checkId)).toContain('headers.csp-missing');
      expect(found.map((e) => e.finding!.checkId)).toContain('cookies.missing-httponly');
      for (const f of found) {
        expect(f.finding!.checkId).toBe(f.checkId);
        expect(f.finding!.severity).toBe(f.severity);
        expect(f.finding!.target.startsWith(siteUrl.slice(0, -1))).toBe(true);
      }
      // A finding event comes after its probe started and before the scan completed.
      const firstFinding = events.findIndex((e) => e.kind === 'FINDING');
      expect(events.findIndex((e) => e.kind === 'CHECK_STARTED')).toBeLessThan(firstFinding);
    } finally {
      await client.dispose();
    }
  });

  it('reports per-check activity and the run statistics on scanUpdated', async () => {
    const created = await gql(t.stack.gatewayUrl, CREATE, { input: { target: siteUrl, targetType: 'URL', profile: 'LIGHT' } }, auth());
    const id = created.data!.createScan.id;
    const client = wsClient(t.stack.gatewayUrl, tenant.apiKey);
    try {
      const events = (await collect<{ scanUpdated: any }>(client, UPDATES, { id }, { deadlineMs: 90_000 })).map((e) => e.scanUpdated);
      const kinds = events.map((e) => e.activity?.kind ?? 'STATUS');
      expect(kinds).toContain('CHECK_STARTED');
      expect(kinds).toContain('CHECK_FINISHED');
      expect(kinds).not.toContain('FINDING');
      const last = events.at(-1)!;
      expect(last.status).toBe('COMPLETED');
      expect(last.stats).toMatchObject({ hostsReachable: 1, deadlineReached: false });
      expect(last.stats.requests).toBeGreaterThan(0);
      expect(last.stats.findings).toBe(last.findingsFound);
      // Progress moves as each probe finishes, never backwards.
      const running = events.filter((e) => e.status === 'RUNNING').map((e) => e.progress as number);
      expect(new Set(running).size).toBeGreaterThan(3);
      expect([...running].sort((a, b) => a - b)).toEqual(running);
      const counts = events.map((e) => e.findingsFound);
      expect([...counts].sort((a, b) => a - b)).toEqual(counts);
    } finally {
      await client.dispose();
    }
  });

  it('cancels a running scan: the stream ends CANCELLED and the worker lets go of the target', async () => {
    const created = await gql(t.stack.gatewayUrl, CREATE, { input: { target: new URL('/tarpit', siteUrl).href, targetType: 'URL', profile: 'LIGHT' } }, auth());
    const id = created.data!.createScan.id;
    // The worker is connected to the tarpit: the scan is running and stuck there.
    await eventually(async () => open.size > 0, 60_000, 'the scan reaching the tarpit');
    const cancelled = await gql(t.stack.gatewayUrl, `mutation($id: ID!) { cancelScan(id: $id) { id status error } }`, { id }, auth());
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data!.cancelScan).toMatchObject({ id, status: 'CANCELLED' });
    await eventually(async () => open.size === 0, 30_000, 'the worker closing its connection to the tarpit');
    const client = wsClient(t.stack.gatewayUrl, tenant.apiKey);
    try {
      const events = await collect<{ scanUpdated: any }>(client, UPDATES, { id }, { deadlineMs: 20_000 });
      expect(events.at(-1)!.scanUpdated.status).toBe('CANCELLED');
    } finally {
      await client.dispose();
    }
    const again = await gql(t.stack.gatewayUrl, `mutation($id: ID!) { cancelScan(id: $id) { id } }`, { id }, auth());
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    // The worker is free again: the next scan completes.
    const next = await gql(t.stack.gatewayUrl, CREATE, { input: { target: siteUrl, targetType: 'URL', profile: 'LIGHT' } }, auth());
    await eventually(
      async () => (await gql(t.stack.gatewayUrl, `query($id: ID!) { scan(id: $id) { status } }`, { id: next.data!.createScan.id }, auth())).data?.scan.status === 'COMPLETED',
      60_000,
      'the next scan completing',
    );
  });

  it("does not cancel another tenant's scan", async () => {
    const other = await seedTenant(t.databaseUrl);
    const created = await gql(t.stack.gatewayUrl, CREATE, { input: { target: siteUrl, targetType: 'URL', profile: 'LIGHT' } }, auth());
    const res = await gql(t.stack.gatewayUrl, `mutation($id: ID!) { cancelScan(id: $id) { id } }`, { id: created.data!.createScan.id }, { 'x-api-key': other.apiKey });
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Nor stream its events: the subscribe call itself answers NOT_FOUND, with no event.
    const client = wsClient(t.stack.gatewayUrl, other.apiKey);
    try {
      for (const [query, field] of [[UPDATES, 'scanUpdated'], [EVENTS, 'scanEvents']] as const) {
        const outcome = await collect<Record<string, unknown>>(client, query, { id: created.data!.createScan.id }, { deadlineMs: 20_000 }).then(
          (events) => `events: ${JSON.stringify(events)}`,
          (err: Error) => err.message,
        );
        expect(JSON.parse(outcome), field).toMatchObject([{ extensions: { code: 'NOT_FOUND' } }]);
      }
    } finally {
      await client.dispose();
    }
  });

  it('refuses an active scan of an address nobody attested, and a CIDR beyond the plan', async () => {
    const input = { target: 'http://1.1.1.1/', targetType: 'URL', mode: 'ACTIVE', authorisation: { authorised: true } };
    const active = await gql(t.stack.gatewayUrl, CREATE, { input }, auth());
    // A public address passes the policy, but this client never attested it; nothing is sent to it.
    expect(active.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'TARGET_UNVERIFIED' });
    expect(active.errors?.[0]?.message).toMatch(/No attestation of this client covers 1\.1\.1\.1/);
    const wide = await gql(t.stack.gatewayUrl, CREATE, { input: { target: '127.0.0.0/21', targetType: 'CIDR', clientName: 'Range Corp' } }, auth());
    expect(wide.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(wide.errors?.[0]?.message).toMatch(/2048 addresses.*allows up to 1024/);
  });

  it('answers which clients have findings matching a filter, with names from the clients subgraph', async () => {
    const res = await gql(t.stack.gatewayUrl, `{ clientsAffected(filter: { checkId: "cookies.missing-httponly" }) { client { id name } findings lastFoundAt } }`, {}, auth());
    expect(res.errors).toBeUndefined();
    const rows = res.data!.clientsAffected;
    expect(rows).toHaveLength(1);
    expect(rows[0].client.name).toBeTruthy();
    expect(rows[0].findings).toBeGreaterThan(0);
    const worst = await gql(t.stack.gatewayUrl, `{ findings(orderBy: SCORE, first: 20) { edges { cursor node { fixfirstScore } } } }`, {}, auth());
    expect(worst.errors).toBeUndefined();
    const scores = worst.data!.findings.edges.map((e: any) => e.node.fixfirstScore);
    expect(scores.length).toBeGreaterThan(3);
    expect([...scores].sort((a: number, b: number) => b - a)).toEqual(scores);
    expect(worst.data!.findings.edges[0].cursor).toMatch(/^score:/);
    const bad = await gql(t.stack.gatewayUrl, `{ clientsAffected(filter: { cve: "log4shell" }) { findings } }`, {}, auth());
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('follows a problem across scans: fixed when a rescan no longer sees it, regressed when it returns', async () => {
    let hardened = false;
    const toggle = http.createServer((_req, res) => {
      const csp = hardened ? { 'content-security-policy': "default-src 'self'; object-src 'none'" } : {};
      res.writeHead(200, { 'content-type': 'text/html', ...csp }).end('<!doctype html><title>toggle</title>');
    });
    await new Promise<void>((r) => toggle.listen(0, '127.0.0.32', () => r()));
    const url = `http://127.0.0.32:${(toggle.address() as AddressInfo).port}/`;
    const completed = async (): Promise<string> => {
      const id = (await gql(t.stack.gatewayUrl, CREATE, { input: { target: url, targetType: 'URL', profile: 'LIGHT', clientName: 'Lifecycle Ltd' } }, auth())).data!.createScan.id;
      await eventually(async () => (await gql(t.stack.gatewayUrl, `query($id: ID!) { scan(id: $id) { status } }`, { id }, auth())).data?.scan.status === 'COMPLETED', 60_000, 'the scan completing');
      return id;
    };
    const cspFinding = async (scanId: string) =>
      (await gql(t.stack.gatewayUrl, `query($f: FindingFilter) { findings(filter: $f) { edges { node { id status firstSeen lastSeen fixedAt regressed occurrences } } } }`, { f: { scanId, checkId: 'headers.csp-missing' } }, auth())).data!.findings.edges[0]?.node;
    try {
      const first = await completed();
      expect(await cspFinding(first)).toMatchObject({ status: 'OPEN', regressed: false, occurrences: 1, fixedAt: null });
      hardened = true;
      const second = await completed();
      expect(await cspFinding(second)).toBeUndefined();
      const fixed = await cspFinding(first);
      expect(fixed).toMatchObject({ status: 'FIXED', regressed: false });
      expect(Date.parse(fixed.fixedAt)).toBeGreaterThanOrEqual(Date.parse(fixed.lastSeen));
      hardened = false;
      const third = await completed();
      const back = await cspFinding(third);
      expect(back).toMatchObject({ status: 'OPEN', regressed: true, occurrences: 2, fixedAt: null });
      expect(back.firstSeen).toBe(fixed.firstSeen);
      const changed = await gql(
        t.stack.gatewayUrl,
        `mutation($i: RemediateFindingInput!) { remediateFinding(input: $i) { id status history { actorKind from to note updatedBy } } }`,
        { i: { id: back.id, status: 'IN_PROGRESS', note: 'CSP rollout, ticket WEB-7', updatedBy: 'bob@msp.example' } },
        auth(),
      );
      expect(changed.errors).toBeUndefined();
      expect(changed.data!.remediateFinding.status).toBe('IN_PROGRESS');
      expect(changed.data!.remediateFinding.history.map((h: any) => [h.actorKind, h.from, h.to])).toEqual([
        ['scanner', null, 'OPEN'],
        ['scanner', 'OPEN', 'FIXED'],
        ['scanner', 'FIXED', 'OPEN'],
        ['user', 'OPEN', 'IN_PROGRESS'],
      ]);
      const illegal = await gql(t.stack.gatewayUrl, `mutation($i: RemediateFindingInput!) { remediateFinding(input: $i) { id } }`, { i: { id: back.id, status: 'ACCEPTED_RISK' } }, auth());
      expect(illegal.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const unknown = await gql(t.stack.gatewayUrl, `mutation($i: RemediateFindingInput!) { remediateFinding(input: $i) { id } }`, { i: { id: back.id, status: 'DONE' } }, auth());
      expect(unknown.errors?.[0]?.message).toMatch(/DONE/);
    } finally {
      toggle.closeAllConnections();
      await new Promise((r) => toggle.close(r));
    }
  });

  const kevFile = path.resolve(REPO_ROOT, '..', 'shared', 'data', 'kev', 'known_exploited_vulnerabilities.json');
  it.skipIf(!existsSync(kevFile))('shows which intelligence feeds are loaded, and their versions', async () => {
    const empty = await gql(t.stack.gatewayUrl, `{ intelStatus { feed } }`, {}, auth());
    expect(empty.data!.intelStatus).toEqual([]);
    await new IntelSyncService(t.databaseUrl, createLogger('test', 'silent')).sync([{ feed: 'kev', location: kevFile }]);
    const res = await gql(t.stack.gatewayUrl, `{ intelStatus { feed version dataDate records source sha256 loadedAt } }`, {}, auth());
    expect(res.errors).toBeUndefined();
    expect(res.data!.intelStatus).toEqual([
      expect.objectContaining({ feed: 'kev', version: '2026.08.07', records: 1662, source: kevFile, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }),
    ]);
    // Findings read through the gateway carry the check's framework mapping and the feeds' facts.
    const found = await gql(
      t.stack.gatewayUrl,
      `{ findings(first: 20, filter: { checkId: "cookies.missing-httponly" }) { edges { node { checkId severity confidence fixfirstScore fixfirstPriority fixUrgency kevFlagged epssScore cweId cweName mitreTechniqueId mitreTacticId d3fendCountermeasures { id name } cisControlId iso27001ControlId iso27001ControlName } } } }`,
      {},
      auth(),
    );
    expect(found.errors).toBeUndefined();
    const node = found.data!.findings.edges[0].node;
    expect(node).toMatchObject({ checkId: 'cookies.missing-httponly', kevFlagged: false, epssScore: null, cweId: 'CWE-1004' });
    expect(node.mitreTechniqueId).toMatch(/^T\d{4}/);
    expect(node.mitreTacticId).toMatch(/^TA\d{4}$/);
    expect(node.d3fendCountermeasures.length).toBeGreaterThan(0);
    expect(node.iso27001ControlId).toMatch(/^A\.\d\.\d+$/);
    expect(node.iso27001ControlName.length).toBeGreaterThan(3);
    const score = fixfirstScore({ severity: node.severity, confidence: node.confidence, checkId: node.checkId, kevFlagged: false, knownRansomwareUse: false, epssScore: null });
    expect(node.fixfirstScore).toBe(score);
    expect(node.fixfirstPriority).toBe(priorityOf(score));
    expect(node.fixUrgency).toBe(urgencyOf(priorityOf(score)));
  });
});
