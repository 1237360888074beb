import type { MikroORM } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openModuleOrm } from '../../lib/db/orm.js';
import { findingsDb, FindingWriter } from '../../subgraphs/findings/src/module.js';
import { newFinding } from '../factories/finding.js';
import { seedTenant, type SeededTenant } from '../factories/tenant.js';
import { startLabTarget, type LabTarget } from '../lab/lab-target.js';
import { eventually } from '../support/graphql.js';
import { restClient, type RestClient, type RestResponse } from '../support/rest.js';
import { startTestStack, type TestStack } from './stack.js';

/** This file's loopback address: the lab targets the scans read. */
const ADDRESS = '127.0.0.65';

interface Row {
  id: string;
  created_at: string;
}

/** (created_at, id) strictly descending: the keyset order the v1 document promises. */
function assertNewestFirst(rows: Row[]): void {
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1]!;
    const b = rows[i]!;
    const before = a.created_at > b.created_at || (a.created_at === b.created_at && a.id > b.id);
    expect(before, `${a.created_at}:${a.id} then ${b.created_at}:${b.id}`).toBe(true);
  }
}

describe('cursor pagination of the v1 lists under concurrent writes', () => {
  let t: TestStack;
  let tenant: SeededTenant;
  let rest: RestClient;
  let orm: MikroORM;
  const labs: LabTarget[] = [];
  const bearer = () => ({ authorization: `Bearer ${tenant.apiKey}` });
  let batch = 0;

  /** Findings as a scan's worker records them: one batch shares one created_at (ties on time). */
  const insert = async (n: number): Promise<string[]> => {
    const b = batch++;
    const rows = await new FindingWriter(orm.em.fork()).record(
      { accountId: tenant.accountId, clientId: tenant.defaultClientId, scanId: uuidv7() },
      Array.from({ length: n }, (_, i) => newFinding({ checkId: 'exposure.backup-file', target: `http://${ADDRESS}/`, location: `/b${b}-${i}.zip` })),
    );
    return rows.map((r) => r.id);
  };

  beforeAll(async () => {
    t = await startTestStack('rest-pagination', { workers: 2 });
    tenant = await seedTenant(t.databaseUrl);
    rest = restClient(t);
    orm = await openModuleOrm(findingsDb, { url: t.databaseUrl, poolMax: 2 });
    for (let i = 0; i < 3; i++) labs.push(await startLabTarget({ host: ADDRESS, headers: { server: `lab/${i}` } }));
  });
  afterAll(async () => {
    await orm?.close();
    for (const l of labs) await l.close();
    await t?.stop();
  });

  it('walks /api/v1/findings with next_cursor while scans insert findings: no duplicates, none of the earlier ones skipped', async () => {
    const existing = new Set<string>();
    for (let i = 0; i < 6; i++) for (const id of await insert(20)) existing.add(id);

    // Real scans run on the workers during the walk, and a writer inserts between pages.
    const scans: string[] = [];
    for (const lab of labs) {
      const res = await rest.post('/api/v1/scans', { headers: bearer(), body: { target: lab.url, scan_profile: 'light' } });
      expect(res.status).toBe(200);
      scans.push(res.body.id);
    }
    const seen: Row[] = [];
    const insertedDuringWalk: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: RestResponse = await rest.get('/api/v1/findings', { headers: bearer(), query: { limit: '7', ...(cursor ? { cursor } : {}) } });
      expect(res.status).toBe(200);
      expect(res.body.findings.length).toBeLessThanOrEqual(7);
      seen.push(...res.body.findings);
      cursor = res.body.next_cursor;
      if (cursor) {
        const last = res.body.findings.at(-1);
        expect(cursor).toBe(`${last.created_at}:${last.id}`);
      }
      insertedDuringWalk.push(...(await insert(3)));
      pages++;
    } while (cursor && pages < 200);

    const ids = seen.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of existing) expect(ids, `finding ${id} existed before the walk`).toContain(id);
    assertNewestFirst(seen);
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(existing.size / 7));

    // The scans did insert findings meanwhile, and the whole list now has everything exactly once.
    await eventually(async () => {
      const states = await Promise.all(scans.map(async (id) => (await rest.get(`/api/v1/scans/${id}`, { headers: bearer() })).body.status));
      return states.every((s) => s === 'completed');
    }, 90_000, 'the scans completing');
    const all: Row[] = [];
    cursor = null;
    do {
      const res: RestResponse = await rest.get('/api/v1/findings', { headers: bearer(), query: { limit: '100', ...(cursor ? { cursor } : {}) } });
      all.push(...res.body.findings);
      cursor = res.body.next_cursor;
    } while (cursor);
    const allIds = new Set(all.map((f) => f.id));
    expect(allIds.size).toBe(all.length);
    for (const id of [...existing, ...insertedDuringWalk]) expect(allIds.has(id)).toBe(true);
    const fromScans = all.filter((f) => scans.includes((f as Row & { scan_id: string }).scan_id));
    expect(fromScans.length).toBeGreaterThan(0);
    assertNewestFirst(all);
  });

  it('walks /api/v1/scans with next_cursor while scans are created: no duplicates, none of the earlier ones skipped', async () => {
    const own = await seedTenant(t.databaseUrl, 'Pagination scans');
    const headers = { authorization: `Bearer ${own.apiKey}` };
    const create = async (): Promise<string> => (await rest.post('/api/v1/scans', { headers, body: { target: labs[0]!.url, scan_profile: 'light' } })).body.id;
    const existing: string[] = [];
    for (let i = 0; i < 9; i++) existing.push(await create());
    const seen: Row[] = [];
    let cursor: string | null = null;
    do {
      const res: RestResponse = await rest.get('/api/v1/scans', { headers, query: { limit: '2', ...(cursor ? { cursor } : {}) } });
      seen.push(...res.body.scans);
      cursor = res.body.next_cursor;
      await create();
    } while (cursor);
    const ids = seen.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...existing].reverse());
    assertNewestFirst(seen);
  });
});
