import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { openModuleOrm } from '../../lib/db/orm.js';
import { createLogger } from '../../lib/logger.js';
import { REPO_ROOT } from '../../lib/paths.js';
import { IntelSyncService } from '../../subgraphs/findings/src/intel/intel-sync.service.js';
import { findingsDb, FindingLifecycle, FindingWriter } from '../../subgraphs/findings/src/module.js';
import { newFinding } from '../factories/finding.js';
import { seedClientWithKey, seedTenant, type SeededTenant } from '../factories/tenant.js';
import { collect, eventually, wsClient } from '../support/graphql.js';
import { startTestStack, type TestStack } from './stack.js';

const run = promisify(execFile);
const DATA = path.resolve(REPO_ROOT, '..', 'shared', 'data');
const KEV = path.join(DATA, 'kev', 'known_exploited_vulnerabilities.json');
const APACHE = 'CVE-2021-41773';

const CHANGED = `subscription Changed($clientId: ID, $after: String) {
  findingChanged(clientId: $clientId, after: $after) {
    cursor feed reasons kevBefore kevAfter epssBefore epssAfter scoreBefore scoreAfter at
    client { id name }
    finding { id location kevFlagged fixfirstScore status cveIds }
  }
}`;

interface Change {
  findingChanged: {
    cursor: string;
    feed: string;
    reasons: string[];
    kevBefore: boolean;
    kevAfter: boolean;
    scoreBefore: number;
    scoreAfter: number;
    client: { id: string; name: string };
    finding: { id: string; location: string; kevFlagged: boolean; fixfirstScore: number; status: string; cveIds: string[] };
  };
}

describe.skipIf(!existsSync(DATA))('findingChanged: feed updates reach subscribers through the gateway', () => {
  let t: TestStack;
  let tenant: SeededTenant;
  let clientB: { clientId: string; apiKey: string };
  let tmp: string;
  let kevWithout: string;

  /** The operator's command, as `npm run intel:sync` runs it. */
  const intelSync = (...args: string[]) =>
    run(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli', 'intel-sync.js'), ...args], { env: { ...process.env, DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'warn' } });

  beforeAll(async () => {
    t = await startTestStack('finding-changes', { workers: 0 });
    tenant = await seedTenant(t.databaseUrl);
    clientB = await seedClientWithKey(t.databaseUrl, tenant.accountId, 'Client B');
    tmp = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-changes-e2e-'));
    const kev = JSON.parse(await readFile(KEV, 'utf8'));
    kev.vulnerabilities = kev.vulnerabilities.filter((v: { cveID: string }) => v.cveID !== APACHE);
    kev.count = kev.vulnerabilities.length;
    kevWithout = path.join(tmp, 'kev-before.json');
    await writeFile(kevWithout, JSON.stringify(kev));
    const loaded = await new IntelSyncService(t.databaseUrl, createLogger('test', 'silent')).sync([{ feed: 'kev', location: kevWithout }]);
    expect(loaded[0]!.outcome).toBe('loaded');
    // Each client has the same vulnerable Apache, found by a scan, as the scan worker records it.
    const orm = await openModuleOrm(findingsDb, { url: t.databaseUrl, poolMax: 1 });
    try {
      for (const [clientId, location] of [
        [tenant.defaultClientId, 'client-a'],
        [clientB.clientId, 'client-b'],
      ] as const) {
        const owner = { accountId: tenant.accountId, clientId, scanId: uuidv7() };
        const found = [newFinding({ location, cveIds: [APACHE], host: 'shop.example' })];
        await new FindingWriter(orm.em.fork()).record(owner, found);
        await new FindingLifecycle(orm.em.fork()).seen(owner, found);
      }
    } finally {
      await orm.close();
    }
  });
  afterAll(async () => {
    await t?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('tells each subscriber of its own findings that entered KEV, live and on resume, with the score recomputed', async () => {
    const account = wsClient(t.stack.gatewayUrl, tenant.apiKey);
    const narrowed = wsClient(t.stack.gatewayUrl, clientB.apiKey);
    try {
      // Both subscribe from the start of the stream (after: "0"), so none of this races the sync.
      const seenByAccount: Change[] = [];
      const accountStream = collect<Change>(account, CHANGED, { after: '0' }, { deadlineMs: 60_000, onEvent: (e) => seenByAccount.push(e), until: () => seenByAccount.length === 4 });
      const seenByB: Change[] = [];
      const bStream = collect<Change>(narrowed, CHANGED, { after: '0' }, { deadlineMs: 60_000, onEvent: (e) => seenByB.push(e), until: () => seenByB.length === 2 });

      const added = await intelSync('--kev', KEV);
      expect(added.stdout).toMatch(/kev\s+loaded .*2 findings rescored, 2 changes announced/);
      await eventually(async () => seenByAccount.length >= 2 && seenByB.length >= 1, 30_000, 'both KEV_ADDED events reaching the account');

      const byLocation = new Map(seenByAccount.slice(0, 2).map((e) => [e.findingChanged.finding.location, e.findingChanged]));
      expect([...byLocation.keys()].sort()).toEqual(['client-a', 'client-b']);
      for (const c of byLocation.values()) {
        expect(c).toMatchObject({ feed: 'kev', reasons: expect.arrayContaining(['KEV_ADDED', 'SCORE_CHANGED']), kevBefore: false, kevAfter: true });
        expect(c.scoreAfter).toBeGreaterThan(c.scoreBefore);
        // The finding as it is now: flagged, scored as the event says, still open.
        expect(c.finding).toMatchObject({ kevFlagged: true, fixfirstScore: c.scoreAfter, status: 'OPEN', cveIds: [APACHE] });
      }
      expect(byLocation.get('client-a')!.client).toEqual({ id: tenant.defaultClientId, name: 'Default' });
      expect(byLocation.get('client-b')!.client).toEqual({ id: clientB.clientId, name: 'Client B' });
      expect(seenByB[0]!.findingChanged.finding.location).toBe('client-b');

      // Live: CISA withdraws it; the open subscriptions hear it without resubscribing.
      const removed = await intelSync('--kev', kevWithout);
      expect(removed.stdout).toMatch(/2 changes announced/);
      const [all, onlyB] = await Promise.all([accountStream, bStream]);
      expect(all.slice(2).map((e) => [e.findingChanged.finding.location, e.findingChanged.reasons[0], e.findingChanged.finding.kevFlagged]).sort()).toEqual([
        ['client-a', 'KEV_REMOVED', false],
        ['client-b', 'KEV_REMOVED', false],
      ]);
      // The narrowed key saw its client's two changes and never the other client's.
      expect(onlyB.map((e) => [e.findingChanged.finding.location, e.findingChanged.reasons[0]])).toEqual([
        ['client-b', 'KEV_ADDED'],
        ['client-b', 'KEV_REMOVED'],
      ]);

      // Resuming after the first change replays exactly the ones after it, in order.
      const cursors = all.map((e) => e.findingChanged.cursor);
      const resumed = await collect<Change>(account, CHANGED, { after: cursors[0] }, { deadlineMs: 30_000, until: (e) => e.findingChanged.cursor === cursors[3] });
      expect(resumed.map((e) => e.findingChanged.cursor)).toEqual(cursors.slice(1));
      // Narrowing an account key to one client.
      const onlyA = await collect<Change>(account, CHANGED, { after: '0', clientId: tenant.defaultClientId }, { deadlineMs: 30_000, until: (e) => e.findingChanged.reasons.includes('KEV_REMOVED') });
      expect(onlyA.map((e) => e.findingChanged.finding.location)).toEqual(['client-a', 'client-a']);
    } finally {
      await account.dispose();
      await narrowed.dispose();
    }
  });

  it("refuses another client's id or a malformed cursor with a clear error and no data", async () => {
    const narrowed = wsClient(t.stack.gatewayUrl, clientB.apiKey);
    const account = wsClient(t.stack.gatewayUrl, tenant.apiKey);
    try {
      const refused = async (client: typeof account, variables: Record<string, unknown>) => {
        const err = await collect<Change>(client, CHANGED, variables, { deadlineMs: 30_000 }).then(
          (events) => new Error(`expected an error, got ${JSON.stringify(events)}`),
          (e: Error) => e,
        );
        return JSON.parse(err.message) as { message: string; extensions?: { code?: string } }[];
      };
      expect((await refused(narrowed, { clientId: tenant.defaultClientId }))[0]).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      expect((await refused(account, { clientId: uuidv7() }))[0]).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      expect((await refused(account, { after: 'abc' }))[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    } finally {
      await narrowed.dispose();
      await account.dispose();
    }
  });
});
