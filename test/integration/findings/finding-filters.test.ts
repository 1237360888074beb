import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { openModuleOrm, type MikroORM } from '../../../lib/db/orm.js';
import { createLogger } from '../../../lib/logger.js';
import { REPO_ROOT } from '../../../lib/paths.js';
import { FindingService } from '../../../subgraphs/findings/src/finding/finding.service.js';
import { IntelSyncService } from '../../../subgraphs/findings/src/intel/intel-sync.service.js';
import { findingsDb, FindingWriter } from '../../../subgraphs/findings/src/module.js';
import { newFinding } from '../../factories/finding.js';
import { createTestDatabase } from '../../support/database.js';

const KEV = path.resolve(REPO_ROOT, '..', 'shared', 'data', 'kev', 'known_exploited_vulnerabilities.json');

const finding = newFinding;

describe.skipIf(!existsSync(KEV))('finding filters by CVE, KEV and target', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM;
  const accountId = uuidv7();
  const clientId = uuidv7();
  const otherClient = uuidv7();
  const ids = (page: { items: { location?: string | null }[] }) => page.items.map((f) => f.location).sort();

  beforeAll(async () => {
    db = await createTestDatabase('finding_filters');
    await new IntelSyncService(db.url, createLogger('test', 'silent')).sync([{ feed: 'kev', location: KEV }]);
    orm = await openModuleOrm(findingsDb, { url: db.url, poolMax: 2 });
    const writer = new FindingWriter(orm.em.fork());
    await writer.record({ accountId, clientId, scanId: uuidv7() }, [
      finding({ location: 'apache', cveIds: ['CVE-2021-41773', 'CVE-2021-42013'] }),
      finding({ location: 'nginx', cveIds: ['CVE-2024-7347'], target: 'http://10.1.2.3/' }),
      finding({ location: 'headers', checkId: 'headers.csp-missing', severity: 'MEDIUM', target: 'https://shop.example/login' }),
    ]);
    await writer.record({ accountId, clientId: otherClient, scanId: uuidv7() }, [
      finding({ location: 'apache-2', cveIds: ['CVE-2021-41773'] }),
      finding({ location: 'nginx-2', cveIds: ['CVE-2024-7347'] }),
      finding({ location: 'headers-2', checkId: 'headers.csp-missing' }),
    ]);
    // Another tenant's KEV finding must never show.
    await writer.record({ accountId: uuidv7(), clientId: uuidv7(), scanId: uuidv7() }, [finding({ location: 'foreign', cveIds: ['CVE-2021-41773'] })]);
  });
  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  // The first client's view (a client key); the account-wide view is asked for explicitly below.
  const service = () => new FindingService(orm.em.fork(), { accountId, clientId });

  it('finds the findings about one CVE', async () => {
    expect(ids(await service().page({ cve: 'cve-2021-42013' }, 50, null))).toEqual(['apache']);
    expect(ids(await service().page({ cve: 'CVE-1999-0001' }, 50, null))).toEqual([]);
  });

  it('separates findings with a KEV CVE from the rest', async () => {
    expect(ids(await service().page({ kev: true }, 50, null))).toEqual(['apache']);
    expect(ids(await service().page({ kev: false }, 50, null))).toEqual(['headers', 'nginx']);
  });

  it('matches a target and everything under it', async () => {
    expect(ids(await service().page({ target: 'https://shop.example/' }, 50, null))).toEqual(['apache', 'headers']);
    expect(ids(await service().page({ target: 'https://shop.example/login' }, 50, null))).toEqual(['headers']);
    expect(ids(await service().page({ target: 'https://shop_example' }, 50, null))).toEqual([]); // _ is not a wildcard
  });

  it('counts findings no scan has followed yet as open', async () => {
    expect(ids(await service().page({ statuses: ['open'] }, 50, null))).toEqual(['apache', 'headers', 'nginx']);
    expect(ids(await service().page({ statuses: ['fixed'] }, 50, null))).toEqual([]);
  });

  it('refuses a malformed CVE id with a clear error', async () => {
    await expect(service().page({ cve: 'log4shell' }, 50, null)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'filter.cve' } });
  });

  it("answers which of the account's clients have a KEV finding, or a given CVE", async () => {
    const account = new FindingService(orm.em.fork(), { accountId, clientId: null });
    const kev = await account.clientsAffected({ kev: true });
    expect(kev.map((r) => [r.clientId, r.findings]).sort()).toEqual([[clientId, 1], [otherClient, 1]].sort());
    const nginx = await account.clientsAffected({ cve: 'CVE-2024-7347' });
    expect(nginx.map((r) => r.clientId).sort()).toEqual([clientId, otherClient].sort());
    const all = await account.clientsAffected({});
    expect(all.map((r) => r.findings)).toEqual([3, 3]);
    // A client key sees its own client only.
    const mine = await new FindingService(orm.em.fork(), { accountId, clientId }).clientsAffected({ kev: true });
    expect(mine.map((r) => r.clientId)).toEqual([clientId]);
  });
});
