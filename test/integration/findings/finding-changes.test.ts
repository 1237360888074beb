import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { openModuleOrm, type MikroORM } from '../../../lib/db/orm.js';
import { createLogger } from '../../../lib/logger.js';
import { REPO_ROOT } from '../../../lib/paths.js';
import { FINDING_CHANGES_CHANNEL, RESCORE_LOCK } from '../../../subgraphs/findings/src/finding/finding-score.repository.js';
import { IntelSyncService } from '../../../subgraphs/findings/src/intel/intel-sync.service.js';
import { findingsDb, FindingLifecycle, FindingWriter, type NewFinding, type ScanOwner } from '../../../subgraphs/findings/src/module.js';
import { newFinding } from '../../factories/finding.js';
import { createTestDatabase } from '../../support/database.js';

const DATA = path.resolve(REPO_ROOT, '..', 'shared', 'data');
const APACHE = 'CVE-2021-41773';
const NGINX = 'CVE-2024-7347';

/** An EPSS file in FIRST's format with the given scores. */
function epssCsv(scores: Record<string, number>): string {
  const rows = Object.entries(scores).map(([cve, epss]) => `${cve},${epss},0.5`);
  return ['#model_version:v2025.03.14,score_date:2026-11-20T00:00:00Z', 'cve,epss,percentile', ...rows].join('\n') + '\n';
}

describe.skipIf(!existsSync(DATA))('feed updates change findings without a rescan', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM;
  let sql: pg.Client;
  let tmp: string;
  let kevWithout: string;
  const accountId = uuidv7();
  const clientId = uuidv7();
  const otherAccount = uuidv7();
  const otherClient = uuidv7();

  const sync = async (feed: 'kev' | 'epss', location: string) => {
    const [r] = await new IntelSyncService(db.url, createLogger('test', 'silent')).sync([{ feed, location }]);
    return r!;
  };
  const epssFile = async (name: string, scores: Record<string, number>) => {
    const file = path.join(tmp, name);
    await writeFile(file, epssCsv(scores));
    return file;
  };
  const changes = async () =>
    (
      await sql.query(
        `select c.account_id, c.client_id, c.finding_id, f.location, c.feed, c.kev_before, c.kev_after, c.epss_before, c.epss_after, c.score_before, c.score_after
           from findings.finding_change c join findings.finding f on f.id = c.finding_id order by c.id`,
      )
    ).rows;

  beforeAll(async () => {
    db = await createTestDatabase('finding_changes');
    orm = await openModuleOrm(findingsDb, { url: db.url, poolMax: 2 });
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-changes-'));
    // The real KEV catalogue without the Apache path traversal: "before CISA added it".
    const kev = JSON.parse(await readFile(path.join(DATA, 'kev', 'known_exploited_vulnerabilities.json'), 'utf8'));
    kev.vulnerabilities = kev.vulnerabilities.filter((v: { cveID: string }) => v.cveID !== APACHE);
    kev.count = kev.vulnerabilities.length;
    kevWithout = path.join(tmp, 'kev-before.json');
    await writeFile(kevWithout, JSON.stringify(kev));
    expect((await sync('kev', kevWithout)).outcome).toBe('loaded');
    expect((await sync('epss', await epssFile('epss-1.csv', { [APACHE]: 0.2, [NGINX]: 0.003 }))).outcome).toBe('loaded');
  });
  afterAll(async () => {
    await sql?.end();
    await orm?.close();
    await db?.drop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** What the scan worker does with a scan's findings: record the sightings, then their states. */
  const life = () => ({
    seen: async (owner: ScanOwner, list: NewFinding[], at = new Date()) => {
      await new FindingWriter(orm.em.fork()).record(owner, list);
      await new FindingLifecycle(orm.em.fork()).seen(owner, list, at);
    },
  });

  it('records KEV_ADDED for the latest sighting of unfixed problems only, with the new score, and notifies after commit', async () => {
    const apache = (location: string) => newFinding({ location, cveIds: [APACHE], host: 'shop.example', target: 'https://shop.example/' });
    // "open": seen by two scans (the older sighting is not news); "fixed": fixed since; other account too.
    const [s1, s2] = [uuidv7(), uuidv7()];
    await life().seen({ accountId, clientId, scanId: s1 }, [apache('open'), apache('fixed')], new Date('2026-11-01T00:00:00Z'));
    await life().seen({ accountId, clientId, scanId: s2 }, [apache('open'), apache('fixed')], new Date('2026-11-02T00:00:00Z'));
    await sql.query(`update findings.finding_state set status = 'fixed', fixed_at = now() where client_id = $1 and fingerprint in (select fingerprint from findings.finding where location = 'fixed')`, [clientId]);
    await life().seen({ accountId: otherAccount, clientId: otherClient, scanId: uuidv7() }, [apache('elsewhere')]);
    const stored = (await sql.query(`select location, kev_flagged, epss, score from findings.finding where location = 'open' order by created_at`)).rows;
    expect(stored.map((r) => [r.kev_flagged, r.epss])).toEqual([[false, 0.2], [false, 0.2]]);
    const scoreBefore = stored[0].score;

    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    await listener.query(`listen ${FINDING_CHANGES_CHANNEL}`);
    try {
      const r = await sync('kev', path.join(DATA, 'kev', 'known_exploited_vulnerabilities.json'));
      expect(r).toMatchObject({ outcome: 'loaded', rescored: 5, changes: 2 });
      const rows = await changes();
      expect(rows.map((c) => [c.account_id, c.location, c.feed, c.kev_before, c.kev_after]).sort()).toEqual(
        [
          [accountId, 'open', 'kev', false, true],
          [otherAccount, 'elsewhere', 'kev', false, true],
        ].sort(),
      );
      const mine = rows.find((c) => c.account_id === accountId)!;
      expect(mine.score_before).toBe(scoreBefore);
      expect(mine.score_after).toBeGreaterThan(mine.score_before);
      // The sighting the API shows for the open problem (scan 2's), and its stored score moved too.
      const latest = (await sql.query(`select id, score, kev_flagged from findings.finding where location = 'open' and scan_id = $1`, [s2])).rows[0];
      expect(mine.finding_id).toBe(latest.id);
      expect(latest).toMatchObject({ score: mine.score_after, kev_flagged: true });
      // Fixed problems and older sightings were rescored silently.
      expect((await sql.query(`select count(*)::int as n from findings.finding where kev_flagged and cve_ids @> array['${APACHE}']`)).rows[0].n).toBe(5);
      // One wake-up per account, naming its newest change, delivered by the commit.
      await expect.poll(() => heard.length, { timeout: 5000 }).toBe(2);
      const ids = (await sql.query(`select account_id, max(id)::text as id from findings.finding_change group by account_id`)).rows;
      expect(heard.sort()).toEqual(ids.map((r) => `${r.account_id}:${r.id}`).sort());
    } finally {
      await listener.end();
    }
  });

  it('reports EPSS moves of 0.01 or more, and slow drift once it adds up; smaller moves only rescore', async () => {
    const before = (await changes()).length;
    const nginxClient = uuidv7();
    await life().seen({ accountId, clientId: nginxClient, scanId: uuidv7() }, [newFinding({ location: 'nginx', cveIds: [NGINX], severity: 'MEDIUM' })]);
    // 0.003 → 0.008: below the reporting threshold, and the score does not move.
    expect(await sync('epss', await epssFile('epss-2.csv', { [APACHE]: 0.2, [NGINX]: 0.008 }))).toMatchObject({ outcome: 'loaded', changes: 0 });
    // → 0.014: 0.011 from what was last reported (0.003): reported.
    expect(await sync('epss', await epssFile('epss-3.csv', { [APACHE]: 0.2, [NGINX]: 0.014 }))).toMatchObject({ outcome: 'loaded', changes: 1 });
    const rows = (await changes()).slice(before);
    expect(rows.map((c) => [c.location, c.feed, c.epss_before, c.epss_after])).toEqual([['nginx', 'epss', 0.003, 0.014]]);
    // Unchanged file: nothing loaded, nothing recorded.
    expect(await sync('epss', path.join(tmp, 'epss-3.csv'))).toMatchObject({ outcome: 'unchanged' });
    expect((await changes()).length).toBe(before + 1);
  });

  it('records nothing when a feed is rejected, and KEV_REMOVED when a CVE leaves the catalogue', async () => {
    const before = (await changes()).length;
    const truncated = path.join(tmp, 'kev-cut.json');
    await writeFile(truncated, (await readFile(kevWithout)).subarray(0, 5000));
    expect((await sync('kev', truncated)).outcome).toBe('rejected');
    expect((await changes()).length).toBe(before);
    expect(await sync('kev', kevWithout)).toMatchObject({ outcome: 'loaded', changes: 2 });
    const rows = (await changes()).slice(before);
    expect(rows.map((c) => [c.location, c.kev_before, c.kev_after]).sort()).toEqual([
      ['elsewhere', true, false],
      ['open', true, false],
    ]);
    for (const c of rows) expect(c.score_after).toBeLessThan(c.score_before);
  });

  it('serialises rescoring: a feed load waits for one in progress, then sees its data', async () => {
    // Another process is rescoring (holds the lock, has loaded KEV, not yet committed).
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query('begin');
      await other.query('select pg_advisory_xact_lock($1)', [RESCORE_LOCK]);
      let done = false;
      const epss = sync('epss', await epssFile('epss-4.csv', { [APACHE]: 0.9, [NGINX]: 0.5 })).then((r) => ((done = true), r));
      // The load reaches the rescoring and waits there, behind the lock.
      await expect
        .poll(async () => (await sql.query(`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`)).rows[0].n, { timeout: 15_000 })
        .toBe(1);
      expect(done).toBe(false);
      await other.query('commit');
      expect(await epss).toMatchObject({ outcome: 'loaded' });
    } finally {
      await other.end();
    }
    const views = (await sql.query(`select distinct cve_ids[1] as cve, epss from findings.finding where cve_ids <> '{}' order by 1`)).rows;
    expect(views).toEqual([
      { cve: APACHE, epss: 0.9 },
      { cve: NGINX, epss: 0.5 },
    ]);
  });
});
