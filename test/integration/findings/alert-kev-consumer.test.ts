import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { openModuleOrm } from '../../../lib/db/orm.js';
import type { MikroORM } from '@mikro-orm/postgresql';
import { alertSettings, alertEnv } from '../../../subgraphs/findings/src/alert/alert.env.js';
import { AlertEvaluator } from '../../../subgraphs/findings/src/alert/alert-evaluator.js';
import { KevAlertConsumer } from '../../../subgraphs/findings/src/alert/alert-kev-watcher.js';
import { ensureAlertQueues } from '../../../subgraphs/findings/src/alert/alert-queue.js';
import { findingsDb, FindingLifecycle, FindingWriter } from '../../../subgraphs/findings/src/module.js';
import { newFinding } from '../../factories/finding.js';
import { createTestDatabase } from '../../support/database.js';

const CVE = 'CVE-2099-00042';

describe('KEV feed alerts: each change handled once across consumers', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  let boss: PgBoss;
  let orm: MikroORM;
  const accountId = uuidv7();
  const clientId = uuidv7();

  beforeAll(async () => {
    db = await createTestDatabase('alert-kev-consumer');
    pool = new pg.Pool({ connectionString: db.url, max: 8 });
    boss = new PgBoss({ connectionString: db.url, schema: 'pgboss', max: 2, supervise: false, schedule: false });
    await boss.start();
    orm = await openModuleOrm(findingsDb, { url: db.url, poolMax: 2 });
  });
  afterAll(async () => {
    await boss?.stop({ graceful: true, timeout: 5_000 });
    await orm?.close();
    await pool?.end();
    await db?.drop();
  });

  it('turns one feed load into one message per channel, however many consumers drain at once', async () => {
    const settings = alertSettings(alertEnv.parse({ INTERNAL_TOKEN_SECRET: 'x'.repeat(40) }));
    await ensureAlertQueues(boss, settings);
    for (const kind of ['SLACK', 'WEBHOOK']) {
      await pool.query(
        `insert into findings.alert_channel (id, account_id, client_id, kind, url_sealed, destination_hint, created_by, created_at, updated_at) values ($1, $2, $3, $4, 'sealed', 'https://h/…', 'key.' || $5, now(), now())`,
        [uuidv7(), accountId, clientId, kind, uuidv7()],
      );
    }
    // Three findings of one client enter KEV in one feed load (same `at`), one later in another.
    const findingIds: string[] = [];
    for (const loc of ['a', 'b', 'c', 'd']) {
      const owner = { accountId, clientId, scanId: uuidv7() };
      const f = [newFinding({ location: loc, cveIds: [CVE] })];
      findingIds.push((await new FindingWriter(orm.em.fork()).record(owner, f))[0]!.id);
      await new FindingLifecycle(orm.em.fork()).seen(owner, f);
    }
    const change = (findingId: string, at: string) =>
      pool.query(
        `insert into findings.finding_change (account_id, client_id, finding_id, fingerprint, feed, kev_before, kev_after, score_before, score_after, at) values ($1, $2, $3, 'fp', 'kev', false, true, 5, 8, $4)`,
        [accountId, clientId, findingId, at],
      );
    for (const id of findingIds.slice(0, 3)) await change(id, '2099-01-01T00:00:00Z');
    await change(findingIds[3]!, '2099-01-02T00:00:00Z');
    // An EPSS-only change is not a KEV alert.
    await pool.query(`insert into findings.finding_change (account_id, client_id, finding_id, fingerprint, feed, kev_before, kev_after, score_before, score_after, at) values ($1, $2, $3, 'fp', 'epss', true, true, 8, 8.1, now())`, [accountId, clientId, findingIds[0]]);

    const consumer = () => new KevAlertConsumer(pool, new AlertEvaluator(pool, boss, settings, async () => 'Client X'), async () => 'Client X', settings.maxListed);
    const queued = await Promise.all([consumer().drain(), consumer().drain(), consumer().drain(), consumer().drain()]);
    // Two feed loads × two channels; and a consumer that came late finds nothing left.
    expect(queued.reduce((a, b) => a + b, 0)).toBe(4);
    expect(await consumer().drain()).toBe(0);
    const rows = (await pool.query<{ event: string; total: number }>(`select event, (message->>'total')::int as total from findings.alert_delivery where client_id = $1 order by total`, [clientId])).rows;
    expect(rows).toEqual([
      { event: 'KEV_ADDED', total: 1 },
      { event: 'KEV_ADDED', total: 1 },
      { event: 'KEV_ADDED', total: 3 },
      { event: 'KEV_ADDED', total: 3 },
    ]);
    // Each delivery was queued with it, in the same transaction.
    const jobs = await pool.query<{ n: number }>(`select count(*)::int as n from pgboss.job where name = 'alert-deliver'`);
    expect(jobs.rows[0]!.n).toBe(4);
  });
});
