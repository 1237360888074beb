import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger.js';
import { REPO_ROOT } from '../../../lib/paths.js';
import { discoverFeeds } from '../../../subgraphs/findings/src/intel/feed-source.js';
import { IntelSyncService } from '../../../subgraphs/findings/src/intel/intel-sync.service.js';
import { createTestDatabase } from '../../support/database.js';

const DATA = path.resolve(REPO_ROOT, '..', 'shared', 'data');
const haveData = existsSync(DATA);

describe.skipIf(!haveData)('the intelligence store, loaded from the real snapshots', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sql: pg.Client;
  let tmp: string;
  const service = () => new IntelSyncService(db.url, createLogger('intel-test', 'silent'));
  const count = async (table: string): Promise<number> => (await sql.query(`select count(*)::int as n from findings.${table}`)).rows[0].n;

  beforeAll(async () => {
    db = await createTestDatabase('intel_sync');
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-intel-'));
  });
  afterAll(async () => {
    await sql?.end();
    await db?.drop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('finds every feed in the snapshot folder', async () => {
    const found = await discoverFeeds(DATA);
    expect(found.map((f) => f.feed).sort()).toEqual(['attack', 'attack-d3fend', 'cwe', 'd3fend', 'epss', 'kev']);
    expect(found.find((f) => f.feed === 'kev')!.location).toMatch(/known_exploited_vulnerabilities\.json$/);
  });

  it('loads every feed with its version, date and record count', async () => {
    const results = await service().sync(await discoverFeeds(DATA));
    expect(results.map((r) => [r.feed, r.outcome, r.error])).toEqual(
      expect.arrayContaining(['kev', 'epss', 'attack', 'd3fend', 'attack-d3fend', 'cwe'].map((f) => [f, 'loaded', undefined])),
    );
    const kev = results.find((r) => r.feed === 'kev')!;
    expect(kev).toMatchObject({ version: '2026.08.07', records: 1662 });
    expect(await count('intel_kev')).toBe(1662);
    expect((await sql.query(`select count(*)::int as n from findings.intel_kev where ransomware`)).rows[0].n).toBe(338);
    expect(await count('intel_epss')).toBe(360_142);
    // The snapshot's comment names no score date; FIRST's file name does.
    expect(results.find((r) => r.feed === 'epss')!.dataDate).toBe('2026-08-16');
    expect(await count('intel_attack_tactic')).toBe(14);
    expect(await count('intel_attack_technique')).toBe(691);
    expect(await count('intel_d3fend_technique')).toBe(271);
    expect(await count('intel_cwe')).toBe(944);
    expect(await count('intel_attack_d3fend')).toBeGreaterThan(5000);
    // A CVE of the scanner's fingerprint table: in KEV, with an EPSS score.
    const apache = await sql.query(`select k.ransomware, e.epss, e.percentile from findings.intel_kev k join findings.intel_epss e using (cve_id) where cve_id = 'CVE-2021-41773'`);
    expect(apache.rows).toHaveLength(1);
    expect(apache.rows[0].epss).toBeGreaterThan(0.5);
    const feeds = (await sql.query(`select name, version, record_count, sha256 from findings.intel_feed order by name`)).rows;
    expect(feeds).toHaveLength(6);
    for (const f of feeds) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('skips feeds whose file did not change', async () => {
    const results = await service().sync(await discoverFeeds(DATA));
    expect(results.every((r) => r.outcome === 'unchanged')).toBe(true);
  });

  it('rejects a truncated or malformed feed whole and keeps the loaded data in force', async () => {
    const kev = await readFile(path.join(DATA, 'kev', 'known_exploited_vulnerabilities.json'));
    const truncated = path.join(tmp, 'known_exploited_vulnerabilities.json');
    await writeFile(truncated, kev.subarray(0, Math.floor(kev.length / 2)));
    const before = (await sql.query(`select version, sha256, loaded_at from findings.intel_feed where name = 'kev'`)).rows[0];
    const [cut] = await service().sync([{ feed: 'kev', location: truncated }]);
    expect(cut!.outcome).toBe('rejected');
    expect(cut!.error).toMatch(/^kev: /);

    const cwe = await readFile(path.join(DATA, 'cwe', 'cwe_1000_research_view.csv'), 'utf8');
    const cutCwe = path.join(tmp, 'cwe.csv');
    await writeFile(cutCwe, cwe.slice(0, Math.floor(cwe.length * 0.7)));
    const [badCwe] = await service().sync([{ feed: 'cwe', location: cutCwe }]);
    expect(badCwe!.outcome).toBe('rejected');

    expect(await count('intel_kev')).toBe(1662);
    expect(await count('intel_cwe')).toBe(944);
    const after = (await sql.query(`select version, sha256, loaded_at from findings.intel_feed where name = 'kev'`)).rows[0];
    expect(after).toEqual(before);
  });

  it('refuses a location that is neither a file nor an http(s) URL', async () => {
    const [r] = await service().sync([{ feed: 'kev', location: 'ftp://example.invalid/kev.json' }]);
    expect(r!.outcome).toBe('rejected');
    expect(r!.error).toMatch(/only files and http\(s\) URLs/);
  });

  it('loads a feed from an http URL', async () => {
    const body = await readFile(path.join(DATA, 'kev', 'known_exploited_vulnerabilities.json'));
    const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    await new Promise<void>((r) => server.listen(0, '127.0.0.41', () => r()));
    try {
      const url = `http://127.0.0.41:${(server.address() as AddressInfo).port}/known_exploited_vulnerabilities.json`;
      const [r] = await service().sync([{ feed: 'kev', location: url }], { force: true });
      expect(r).toMatchObject({ outcome: 'loaded', records: 1662 });
      expect((await sql.query(`select source from findings.intel_feed where name = 'kev'`)).rows[0].source).toBe(url);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
