import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { openModuleOrm, type MikroORM } from '../../../lib/db/orm.js';
import { FindingStateEntity } from '../../../subgraphs/findings/src/finding/finding-state.entity.js';
import { fingerprintOf, findingsDb, FindingLifecycle, type NewFinding } from '../../../subgraphs/findings/src/module.js';
import { createTestDatabase } from '../../support/database.js';

const csp = (host = 'shop.example'): NewFinding => ({
  checkId: 'headers.csp-missing',
  severity: 'MEDIUM',
  title: 't',
  description: 'd',
  evidence: {},
  remediation: 'r',
  cweId: 'CWE-693',
  target: `https://${host}/`,
  host,
});

describe('findings across scans', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM;
  let sql: pg.Client;
  const accountId = uuidv7();

  beforeAll(async () => {
    db = await createTestDatabase('finding_lifecycle');
    orm = await openModuleOrm(findingsDb, { url: db.url, poolMax: 2 });
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await orm?.close();
    await db?.drop();
  });

  const life = () => new FindingLifecycle(orm.em.fork());
  const state = (clientId: string, f = csp()) => orm.em.fork().findOneOrFail(FindingStateEntity, { clientId, fingerprint: fingerprintOf(f) });
  const covered = [{ host: 'shop.example', checkIds: ['headers.csp-missing'] }];

  it('opens, follows, fixes on a clean rescan and reopens as regressed', async () => {
    const clientId = uuidv7();
    const [s1, s2, s3, s4] = [uuidv7(), uuidv7(), uuidv7(), uuidv7()];
    await life().seen({ accountId, clientId, scanId: s1 }, [csp()], new Date('2026-01-01T00:00:00Z'));
    await life().seen({ accountId, clientId, scanId: s1 }, [csp()], new Date('2026-01-01T00:00:00Z')); // a retried job
    expect(await state(clientId)).toMatchObject({ status: 'open', occurrences: 1, regressed: false });

    await life().seen({ accountId, clientId, scanId: s2 }, [csp()], new Date('2026-01-02T00:00:00Z'));
    expect(await state(clientId)).toMatchObject({ status: 'open', occurrences: 2, lastSeen: new Date('2026-01-02T00:00:00Z'), firstSeen: new Date('2026-01-01T00:00:00Z') });

    // A scan that covered the check on the host and did not see it: fixed.
    expect(await life().verifyFixed({ accountId, clientId, scanId: s3 }, covered, new Date('2026-01-03T00:00:00Z'))).toBe(1);
    expect(await state(clientId)).toMatchObject({ status: 'fixed', fixedAt: new Date('2026-01-03T00:00:00Z') });

    await life().seen({ accountId, clientId, scanId: s4 }, [csp()], new Date('2026-01-04T00:00:00Z'));
    expect(await state(clientId)).toMatchObject({ status: 'open', regressed: true, fixedAt: null, occurrences: 3 });
    const trail = await sql.query(
      `select h.from_status, h.to_status, h.actor_kind, h.scan_id from findings.finding_history h join findings.finding_state s on s.id = h.state_id where s.client_id = $1 order by h.id`,
      [clientId],
    );
    expect(trail.rows.map((r) => [r.from_status, r.to_status, r.actor_kind, r.scan_id])).toEqual([
      [null, 'open', 'scanner', s1],
      ['open', 'fixed', 'scanner', s3],
      ['fixed', 'open', 'scanner', s4],
    ]);
  });

  it('fixes nothing a scan did not cover, nor what it saw', async () => {
    const clientId = uuidv7();
    const s1 = uuidv7();
    await life().seen({ accountId, clientId, scanId: s1 }, [csp()]);
    expect(await life().verifyFixed({ accountId, clientId, scanId: uuidv7() }, [{ host: 'other.example', checkIds: ['headers.csp-missing'] }])).toBe(0);
    expect(await life().verifyFixed({ accountId, clientId, scanId: uuidv7() }, [{ host: 'shop.example', checkIds: ['headers.hsts-missing'] }])).toBe(0);
    // The scan that saw it covers it too, but saw it: still open.
    expect(await life().verifyFixed({ accountId, clientId, scanId: s1 }, covered)).toBe(0);
    // Another client's identical problem is another finding.
    const other = uuidv7();
    await life().seen({ accountId, clientId: other, scanId: uuidv7() }, [csp()]);
    await life().verifyFixed({ accountId, clientId, scanId: uuidv7() }, covered);
    expect((await state(clientId)).status).toBe('fixed');
    expect((await state(other)).status).toBe('open');
  });

  it('keeps an accepted risk accepted until it expires, then reopens it', async () => {
    const clientId = uuidv7();
    await life().seen({ accountId, clientId, scanId: uuidv7() }, [csp()], new Date('2026-01-01T00:00:00Z'));
    const accept = (until: string | null) =>
      sql.query(`update findings.finding_state set status = 'accepted_risk', accepted_until = $2 where client_id = $1`, [clientId, until]);
    await accept('2026-06-01T00:00:00Z');
    await life().seen({ accountId, clientId, scanId: uuidv7() }, [csp()], new Date('2026-03-01T00:00:00Z'));
    expect((await state(clientId)).status).toBe('accepted_risk');
    // An accepted risk is not "fixed" by a scan that does not see it either.
    expect(await life().verifyFixed({ accountId, clientId, scanId: uuidv7() }, covered)).toBe(0);
    await life().seen({ accountId, clientId, scanId: uuidv7() }, [csp()], new Date('2026-07-01T00:00:00Z'));
    expect(await state(clientId)).toMatchObject({ status: 'open', acceptedUntil: null });
  });
});
