import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { openModuleOrm, type MikroORM } from '../../../lib/db/orm.js';
import { createLogger } from '../../../lib/logger.js';
import { REPO_ROOT } from '../../../lib/paths.js';
import { FindingService } from '../../../subgraphs/findings/src/finding/finding.service.js';
import { IntelSyncService } from '../../../subgraphs/findings/src/intel/intel-sync.service.js';
import { findingsDb, FindingWriter, type NewFinding } from '../../../subgraphs/findings/src/module.js';
import { newFinding } from '../../factories/finding.js';
import { createTestDatabase } from '../../support/database.js';

const DATA = path.resolve(REPO_ROOT, '..', 'shared', 'data');
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'] as const;

const finding = newFinding;

describe.skipIf(!existsSync(DATA))('findings ordered by score', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM;
  const accountId = uuidv7();
  const clientId = uuidv7();
  const service = () => new FindingService(orm.em.fork(), { accountId, clientId: null });
  const write = (list: NewFinding[]) => new FindingWriter(orm.em.fork()).record({ accountId, clientId, scanId: uuidv7() }, list);

  beforeAll(async () => {
    db = await createTestDatabase('finding_order');
    orm = await openModuleOrm(findingsDb, { url: db.url, poolMax: 2 });
  });
  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  it('rescores findings about CVEs when KEV and EPSS load, putting a KEV HIGH above a plain CRITICAL', async () => {
    await write([finding({ location: 'kev-high', cveIds: ['CVE-2021-41773'] }), finding({ location: 'plain-critical', severity: 'CRITICAL' })]);
    const before = (await service().page({}, 10, null, 'SCORE')).items.map((f) => f.location);
    expect(before).toEqual(['plain-critical', 'kev-high']);
    const results = await new IntelSyncService(db.url, createLogger('test', 'silent')).sync([
      { feed: 'kev', location: path.join(DATA, 'kev', 'known_exploited_vulnerabilities.json') },
      { feed: 'epss', location: path.join(DATA, 'epss', 'epss_scores-2026-08-16.csv.gz') },
    ]);
    expect(results.map((r) => [r.feed, r.outcome, r.rescored])).toEqual([
      ['kev', 'loaded', 1],
      ['epss', 'loaded', 1],
    ]);
    const after = (await service().page({}, 10, null, 'SCORE')).items;
    expect(after.map((f) => f.location)).toEqual(['kev-high', 'plain-critical']);
    expect(Number(after[0]!.score)).toBeGreaterThan(Number(after[1]!.score));
    expect((await service().page({ minScore: Number(after[0]!.score) }, 10, null, 'SCORE')).items.map((f) => f.location)).toEqual(['kev-high']);
  });

  it('walks every page in either order while another writer inserts, each finding at most once and none missed', async () => {
    await write(Array.from({ length: 40 }, (_, i) => finding({ location: `bulk-${i}`, severity: SEVERITIES[i % 5]!, checkId: i % 3 ? 'headers.csp-missing' : 'network.redis-unauthenticated' })));
    for (const order of ['SCORE', 'NEWEST'] as const) {
      const existing = new Set((await service().page({}, 100, null, order)).items.map((f) => f.id));
      const seen: string[] = [];
      let after: string | null = null;
      let last: number | null = null;
      for (let page = 0; page < 50; page++) {
        const res = await service().page({}, 7, after, order);
        for (const f of res.items) {
          seen.push(f.id);
          if (order === 'SCORE') {
            if (last !== null) expect(Number(f.score)).toBeLessThanOrEqual(last);
            last = Number(f.score);
          }
        }
        // Another writer inserts findings of every score while the walk goes on.
        await write(SEVERITIES.map((severity) => finding({ location: `concurrent-${order}-${page}-${severity}`, severity })));
        if (!res.hasNextPage) break;
        after = res.endCursor;
      }
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of existing) expect(seen).toContain(id);
    }
  });

  it('refuses a cursor of the other order and a score out of range', async () => {
    const newest = await service().page({}, 1, null, 'NEWEST');
    await expect(service().page({}, 1, newest.endCursor, 'SCORE')).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
    await expect(service().page({ minScore: 11 }, 1, null, 'SCORE')).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'filter.minScore' } });
  });
});
