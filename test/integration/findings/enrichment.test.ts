import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openModuleOrm, type MikroORM } from '../../../lib/db/orm.js';
import { createLogger } from '../../../lib/logger.js';
import { REPO_ROOT } from '../../../lib/paths.js';
import { EnrichmentService } from '../../../subgraphs/findings/src/intel/enrichment.service.js';
import { discoverFeeds } from '../../../subgraphs/findings/src/intel/feed-source.js';
import { IntelSyncService } from '../../../subgraphs/findings/src/intel/intel-sync.service.js';
import { findingsDb } from '../../../subgraphs/findings/src/module.js';
import { createTestDatabase } from '../../support/database.js';

const DATA = path.resolve(REPO_ROOT, '..', 'shared', 'data');

describe.skipIf(!existsSync(DATA))('enriching findings from the loaded feeds and the check mapping', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM;

  beforeAll(async () => {
    db = await createTestDatabase('enrichment');
    const results = await new IntelSyncService(db.url, createLogger('test', 'silent')).sync(await discoverFeeds(DATA));
    expect(results.filter((r) => r.outcome !== 'loaded')).toEqual([]);
    orm = await openModuleOrm(findingsDb, { url: db.url, poolMax: 2 });
  });
  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  it('flags a finding about a CVE in KEV, with its EPSS score and ransomware use', async () => {
    const service = new EnrichmentService(orm.em.fork());
    const [apache, plain] = await Promise.all([
      service.of({ id: 'a', checkId: 'software.known-vulnerable', cweId: 'CWE-1395', cveIds: ['CVE-2021-41773', 'CVE-2021-42013'] }),
      service.of({ id: 'b', checkId: 'software.known-vulnerable', cweId: 'CWE-1395', cveIds: ['CVE-2024-7347'] }),
    ]);
    expect(apache.kevFlagged).toBe(true);
    expect(apache.kevCveIds.sort()).toEqual(['CVE-2021-41773', 'CVE-2021-42013']);
    expect(apache.epssScore).toBeGreaterThan(0.5);
    expect(apache.epssPercentile).toBeGreaterThan(0.9);
    // nginx's mp4 module CVE is not in KEV, but it has an EPSS score.
    expect(plain.kevFlagged).toBe(false);
    expect(plain.epssScore).toBeGreaterThan(0);
  });

  it('gives a check-only finding CWE, ATT&CK, D3FEND, CIS and ISO ids that exist in the loaded data', async () => {
    const service = new EnrichmentService(orm.em.fork());
    const redis = await service.of({ id: 'r', checkId: 'network.redis-unauthenticated', cweId: 'CWE-306', cveIds: [] });
    expect(redis.kevFlagged).toBe(false);
    expect(redis.epssScore).toBeNull();
    expect(redis.cweId).toMatch(/^CWE-\d+$/);
    expect(redis.cweName).toBeTruthy(); // found in the loaded CWE list
    expect(redis.mitreTechniqueId).toMatch(/^T\d{4}(\.\d{3})?$/);
    expect(redis.mitreTechniqueName).toBeTruthy(); // found among the loaded ATT&CK techniques
    expect(redis.mitreTacticId).toMatch(/^TA\d{4}$/);
    expect(redis.mitreTacticName).toBeTruthy();
    expect(redis.d3fendCountermeasures.length).toBeGreaterThan(0);
    for (const c of redis.d3fendCountermeasures) expect(c.name).not.toBe(c.id); // named by the loaded D3FEND table
    expect(redis.cisControlId).toMatch(/^\d+\.\d+$/);
    expect(redis.iso27001ControlId).toMatch(/^A\.[5-8]\.\d+$/);
    expect(redis.iso27001ControlName).toBeTruthy();
  });

  it('leaves enrichment empty for a check the mapping does not know', async () => {
    const e = await new EnrichmentService(orm.em.fork()).of({ id: 'x', checkId: 'unknown.check', cweId: null, cveIds: [] });
    expect(e).toMatchObject({ kevFlagged: false, mitreTechniqueId: null, d3fendCountermeasures: [], cisControlId: null });
  });
});
