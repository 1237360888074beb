import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger.js';
import { REPO_ROOT } from '../../../lib/paths.js';
import { INTEL_SYNC_QUEUE, startIntelRefresh } from '../../../subgraphs/findings/src/intel/intel-refresh.job.js';
import { createTestDatabase } from '../../support/database.js';
import { eventually } from '../../support/graphql.js';

const KEV = path.resolve(REPO_ROOT, '..', 'shared', 'data', 'kev', 'known_exploited_vulnerabilities.json');

describe.skipIf(!existsSync(KEV))('the scheduled intel refresh', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  const running: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('intel_refresh');
    dir = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-intel-refresh-'));
    await mkdir(path.join(dir, 'kev'));
    await copyFile(KEV, path.join(dir, 'kev', 'known_exploited_vulnerabilities.json'));
  });
  afterAll(async () => {
    for (const r of running) await r.close();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is scheduled once however many workers start it, and a job reloads the folder', async () => {
    const log = createLogger('test', 'silent');
    const first = await startIntelRefresh({ databaseUrl: db.url, from: dir, cron: '0 4 * * *', log });
    const second = await startIntelRefresh({ databaseUrl: db.url, from: dir, cron: '0 4 * * *', log });
    running.push(first, second);
    const schedules = await first.boss.getSchedules(INTEL_SYNC_QUEUE);
    expect(schedules).toHaveLength(1);
    expect(schedules[0]).toMatchObject({ name: INTEL_SYNC_QUEUE, cron: '0 4 * * *', timezone: 'UTC' });

    // What the timekeeper sends at 04:00, sent now.
    await first.boss.send(INTEL_SYNC_QUEUE, { from: dir });
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      const row = await eventually(async () => (await sql.query(`select version, record_count from findings.intel_feed where name = 'kev'`)).rows[0], 60_000, 'the refresh job loading KEV');
      expect(row).toEqual({ version: '2026.08.07', record_count: 1662 });
    } finally {
      await sql.end();
    }
  });
});
