import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import type { Identity } from '../../../lib/auth/identity.js';
import { SCOPES } from '../../../lib/auth/tenant.js';
import { openModuleOrm, type MikroORM } from '../../../lib/db/orm.js';
import { FindingRemediationService } from '../../../subgraphs/findings/src/finding/finding-remediation.service.js';
import { FindingService } from '../../../subgraphs/findings/src/finding/finding.service.js';
import { FindingStateRepository } from '../../../subgraphs/findings/src/finding/finding-state.repository.js';
import { FindingStateEntity } from '../../../subgraphs/findings/src/finding/finding-state.entity.js';
import { findingsDb, FindingLifecycle, FindingWriter, type NewFinding } from '../../../subgraphs/findings/src/module.js';
import { createTestDatabase } from '../../support/database.js';

const redis: NewFinding = {
  checkId: 'network.redis-unauthenticated',
  severity: 'CRITICAL',
  title: 'Redis answers without authentication',
  description: 'd',
  evidence: {},
  remediation: 'r',
  cweId: 'CWE-306',
  target: '10.0.0.9:6379',
  host: '10.0.0.9',
  location: '6379/tcp',
};

describe('remediating findings by hand', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM;
  let sql: pg.Client;
  const accountId = uuidv7();
  const clientId = uuidv7();
  const scanId = uuidv7();
  let findingId: string;
  const identity: Identity = { accountId, clientId: null, scopes: [...SCOPES], credentialId: uuidv7(), credentialHash: 'x' };
  const service = (who: Identity = identity) => new FindingRemediationService(orm.em.fork(), who);
  const state = async () => orm.em.fork().findOneOrFail(FindingStateEntity, { clientId }, { disableIdentityMap: true });

  beforeAll(async () => {
    db = await createTestDatabase('finding_remediation');
    orm = await openModuleOrm(findingsDb, { url: db.url, poolMax: 2 });
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const owner = { accountId, clientId, scanId };
    findingId = (await new FindingWriter(orm.em.fork()).record(owner, [redis]))[0]!.id;
    await new FindingLifecycle(orm.em.fork()).seen(owner, [redis]);
  });
  afterAll(async () => {
    await sql?.end();
    await orm?.close();
    await db?.drop();
  });

  it('moves through allowed transitions and records each in order, with who and why', async () => {
    await service().remediate({ id: findingId, status: 'in_progress', note: 'Ticket OPS-12', updatedBy: 'alice@msp.example' });
    await service().remediate({ id: findingId, status: 'accepted_risk', note: 'Isolated VLAN until the migration', acceptedUntil: new Date(Date.now() + 86_400_000) });
    await service().remediate({ id: findingId, status: 'fixed', note: 'requirepass set' });
    expect((await state()).status).toBe('fixed');
    const history = await new FindingStateRepository(orm.em.fork()).history((await state()).id, clientId);
    expect(history.map((h) => [h.actorKind, h.fromStatus ?? null, h.toStatus])).toEqual([
      ['scanner', null, 'open'],
      ['user', 'open', 'in_progress'],
      ['user', 'in_progress', 'accepted_risk'],
      ['user', 'accepted_risk', 'fixed'],
    ]);
    expect(history[1]).toMatchObject({ actor: identity.credentialId, updatedBy: 'alice@msp.example', note: 'Ticket OPS-12' });
  });

  it('refuses an illegal transition, a risk accepted without a note, and a repeated status, changing nothing', async () => {
    const before = await state();
    const count = async () => (await sql.query('select count(*)::int as n from findings.finding_history')).rows[0].n;
    const rows = await count();
    await expect(service().remediate({ id: findingId, status: 'accepted_risk', note: 'x' })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'status' } });
    await expect(service().remediate({ id: findingId, status: 'accepted_risk' })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'note' } });
    await expect(service().remediate({ id: findingId, status: 'fixed' })).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    await expect(service().remediate({ id: findingId, status: 'open', acceptedUntil: new Date(Date.now() + 1000) })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'acceptedUntil' } });
    expect(await state()).toEqual(before);
    expect(await count()).toBe(rows);
  });

  it("answers not found for another account's finding, and forbids a key without findings:write", async () => {
    const stranger = { ...identity, accountId: uuidv7(), credentialId: uuidv7() } as Identity;
    await expect(service(stranger).remediate({ id: findingId, status: 'open' })).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    const readOnly = { ...identity, scopes: ['findings:read'] } as Identity;
    await expect(service(readOnly).remediate({ id: findingId, status: 'open' })).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect((await state()).status).toBe('fixed');
  });

  it('keeps the audit trail append-only: UPDATE, DELETE and TRUNCATE are refused by the database', async () => {
    await expect(sql.query(`update findings.finding_history set note = 'rewritten'`)).rejects.toThrow(/append-only/);
    await expect(sql.query(`delete from findings.finding_history`)).rejects.toThrow(/append-only/);
    await expect(sql.query(`truncate findings.finding_history`)).rejects.toThrow(/append-only/);
    expect((await sql.query(`select count(*)::int as n from findings.finding_history where note = 'rewritten'`)).rows[0].n).toBe(0);
  });

  it('filters findings and affected clients by the status of their problem', async () => {
    const findings = new FindingService(orm.em.fork(), { accountId, clientId: null });
    expect((await findings.page({ statuses: ['fixed'] }, 50, null)).items.map((f) => f.id)).toEqual([findingId]);
    expect((await findings.page({ statuses: ['open', 'in_progress'] }, 50, null)).items).toEqual([]);
    expect(await findings.clientsAffected({ statuses: ['open'] })).toEqual([]);
    expect((await findings.clientsAffected({ statuses: ['fixed'] })).map((c) => c.clientId)).toEqual([clientId]);
  });
});
