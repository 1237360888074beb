import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { openModuleOrm, type MikroORM } from '../../../lib/db/orm.js';
import { FindingEntity } from '../../../subgraphs/findings/src/finding/finding.entity.js';
import { findingsDb, fingerprintOf, FindingWriter, type NewFinding } from '../../../subgraphs/findings/src/module.js';
import { newFinding } from '../../factories/finding.js';
import { createTestDatabase } from '../../support/database.js';

const finding = (over: Partial<NewFinding> = {}): NewFinding =>
  newFinding({
    severity: 'CRITICAL',
    title: 'Apache httpd 2.4.49 has known vulnerabilities',
    evidence: { server: 'Apache/2.4.49' },
    cweId: 'CWE-1104',
    target: 'http://127.0.0.2/',
    location: 'apache httpd',
    cveIds: ['CVE-2021-41773', 'CVE-2021-42013'],
    ...over,
  });

describe('FindingWriter', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM;

  beforeAll(async () => {
    db = await createTestDatabase('finding_writer');
    orm = await openModuleOrm(findingsDb, { url: db.url, poolMax: 2 });
  });
  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  it('stores CVE ids, location and confidence, and returns what it inserted', async () => {
    const owner = { accountId: uuidv7(), clientId: uuidv7(), scanId: uuidv7() };
    const inserted = await new FindingWriter(orm.em.fork()).record(owner, [finding(), finding({ checkId: 'headers.csp-missing', location: null, cveIds: [] })]);
    expect(inserted).toHaveLength(2);
    const row = await orm.em.fork().findOneOrFail(FindingEntity, { id: inserted.find((r) => r.fingerprint === fingerprintOf(finding()))!.id });
    expect(row.cveIds).toEqual(['CVE-2021-41773', 'CVE-2021-42013']);
    expect(row.location).toBe('apache httpd');
    expect(row.confidence).toBe('FIRM');
    const plain = await orm.em.fork().findOneOrFail(FindingEntity, { scanId: owner.scanId, checkId: 'headers.csp-missing' });
    expect(plain.cveIds).toEqual([]);
    expect(plain.location).toBeNull();
  });

  it('records a retried batch once and keeps two locations of one check apart', async () => {
    const owner = { accountId: uuidv7(), clientId: uuidv7(), scanId: uuidv7() };
    const batch = [finding({ location: 'a.js:1' }), finding({ location: 'a.js:9' }), finding({ location: 'a.js:1' })];
    const writer = new FindingWriter(orm.em.fork());
    expect(await writer.record(owner, batch)).toHaveLength(2);
    expect(await writer.record(owner, batch)).toHaveLength(0);
    expect(await orm.em.fork().count(FindingEntity, { scanId: owner.scanId })).toBe(2);
  });

  it('keeps the foundation fingerprint for findings without a location', () => {
    const a = fingerprintOf({ checkId: 'headers.csp-missing', target: 'http://x/', location: null });
    const b = fingerprintOf({ checkId: 'headers.csp-missing', target: 'http://x/' });
    expect(a).toBe(b);
    expect(fingerprintOf({ checkId: 'headers.csp-missing', target: 'http://x/', location: 'y' })).not.toBe(a);
  });
});
