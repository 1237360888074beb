import { graphql } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import type { Identity } from '../../../lib/auth/identity.js';
import { SCOPES } from '../../../lib/auth/tenant.js';
import { openModuleOrm, type MikroORM } from '../../../lib/db/orm.js';
import { BadUserInputError } from '../../../lib/errors.js';
import { FindingsContext, type FindingsServices } from '../../../subgraphs/findings/src/context.js';
import { DEFAULT_SLA_DAYS, FindingMetricsService, type ClientMetrics } from '../../../subgraphs/findings/src/finding/finding-metrics.service.js';
import { FindingRemediationService } from '../../../subgraphs/findings/src/finding/finding-remediation.service.js';
import { fingerprintOf, findingsDb, FindingLifecycle, FindingWriter, type NewFinding, type Severity } from '../../../subgraphs/findings/src/module.js';
import { buildFindingsSchema } from '../../../subgraphs/findings/src/schema.js';
import { newFinding } from '../../factories/finding.js';
import { createTestDatabase } from '../../support/database.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** A problem on its own target; CONFIRMED and not internet-exposed, so its score is the severity's base (CRITICAL 9, HIGH 7, MEDIUM 5, LOW 3, INFO 0.5). */
const problem = (name: string, severity: Severity): NewFinding =>
  newFinding({ severity, confidence: 'CONFIRMED', target: `https://app.example/${name}`, host: 'app.example' });

/** findingMetrics neither publishes changes nor looks clients up: any use of these fails the test. */
const unusedServices: FindingsServices = {
  changes: new Proxy({} as FindingsServices['changes'], {
    get: () => {
      throw new Error('findingMetrics must not use the change bus');
    },
  }),
  clients: () => {
    throw new Error('findingMetrics must not look clients up');
  },
  slaDays: DEFAULT_SLA_DAYS,
  alerts: new Proxy({} as FindingsServices['alerts'], {
    get: () => {
      throw new Error('findingMetrics must not use alerts');
    },
  }),
};

const identityOf = (accountId: string, clientId: string | null = null): Identity => ({ accountId, clientId, scopes: [...SCOPES], credentialId: uuidv7(), credentialHash: 'x' });

describe('finding metrics per client', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM;
  let sql: pg.Client;
  const accountA = uuidv7();
  const accountB = uuidv7();
  const [c1, c2, c3] = [uuidv7(), uuidv7(), uuidv7()];
  const now = new Date();
  const ago = (ms: number) => new Date(now.getTime() - ms);

  const metrics = (who: Identity, args: Parameters<FindingMetricsService['perClient']>[0] = {}) => new FindingMetricsService(orm.em.fork(), who).perClient(args, now);
  const sla = (m: ClientMetrics) => Object.fromEntries(m.sla.map((s) => [s.priority, [s.open, s.overdue, s.oldestOpenDays]]));

  /** Records one scan's sightings through the writer and the lifecycle, as the scan worker does. */
  async function scan(accountId: string, clientId: string, findings: NewFinding[]): Promise<Map<string, string>> {
    const owner = { accountId, clientId, scanId: uuidv7() };
    const rows = await new FindingWriter(orm.em.fork()).record(owner, findings);
    await new FindingLifecycle(orm.em.fork()).seen(owner, findings);
    return new Map(rows.map((r) => [r.fingerprint, r.id]));
  }
  const idOf = (ids: Map<string, string>, f: NewFinding) => ids.get(fingerprintOf(f))!;
  const setState = (clientId: string, f: NewFinding, set: string, values: unknown[]) =>
    sql.query(`update findings.finding_state set ${set} where client_id = $1 and fingerprint = $2`, [clientId, fingerprintOf(f), ...values]);

  const p = {
    critOld: problem('crit-old', 'CRITICAL'),
    critFresh: problem('crit-fresh', 'CRITICAL'),
    highKev: problem('high-kev', 'HIGH'),
    regraded: problem('regraded', 'MEDIUM'),
    lowOpen: problem('low-open', 'LOW'),
    info: problem('info', 'INFO'),
    accepted: problem('accepted', 'HIGH'),
    lapsed: problem('lapsed', 'MEDIUM'),
    fixedA: problem('fixed-a', 'HIGH'),
    fixedB: problem('fixed-b', 'MEDIUM'),
    fixedC: problem('fixed-c', 'LOW'),
    fixedOld: problem('fixed-old', 'CRITICAL'),
  };

  beforeAll(async () => {
    db = await createTestDatabase('finding_metrics');
    orm = await openModuleOrm(findingsDb, { url: db.url, poolMax: 4 });
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();

    const ids = await scan(accountA, c1, Object.values(p));
    // The latest sighting decides severity: this problem was MEDIUM, a later scan reports it HIGH.
    await scan(accountA, c1, [{ ...p.regraded, severity: 'HIGH' }]);
    // A feed update (KEV) raised this HIGH's stored score into the critical band.
    await sql.query('update findings.finding set score = 9.4 where id = $1', [idOf(ids, p.highKev)]);

    const hand = new FindingRemediationService(orm.em.fork(), identityOf(accountA));
    await hand.remediate({ id: idOf(ids, p.highKev), status: 'in_progress', note: 'OPS-1' });
    await hand.remediate({ id: idOf(ids, p.accepted), status: 'accepted_risk', note: 'behind VPN', acceptedUntil: new Date(Date.now() + 30 * DAY) });
    await hand.remediate({ id: idOf(ids, p.lapsed), status: 'accepted_risk', note: 'until the migration', acceptedUntil: new Date(Date.now() + DAY) });
    for (const f of [p.fixedA, p.fixedB, p.fixedC, p.fixedOld]) await hand.remediate({ id: idOf(ids, f), status: 'fixed', note: 'patched' });

    // Known ages and durations, in the past.
    const firstSeen: [NewFinding, number][] = [
      [p.critOld, 5 * DAY],
      [p.critFresh, 1 * DAY],
      [p.highKev, 3 * DAY],
      [p.regraded, 10 * DAY],
      [p.lowOpen, 20 * DAY],
      [p.info, 400 * DAY],
      [p.accepted, 100 * DAY],
      [p.lapsed, 40 * DAY],
    ];
    for (const [f, age] of firstSeen) await setState(c1, f, 'first_seen = $3', [ago(age)]);
    await setState(c1, p.lapsed, 'accepted_until = $3', [ago(DAY)]);
    const fixes: [NewFinding, number, number][] = [
      [p.fixedA, 10 * DAY, 48 * HOUR],
      [p.fixedB, 20 * DAY, 10 * HOUR],
      [p.fixedC, 30 * DAY, 122 * HOUR],
      [p.fixedOld, 300 * DAY, 100 * DAY],
    ];
    for (const [f, age, took] of fixes) await setState(c1, f, 'first_seen = $3, fixed_at = $4', [ago(age), new Date(ago(age).getTime() + took)]);

    const fresh = problem('fresh', 'CRITICAL');
    await scan(accountA, c2, [fresh]);
    await setState(c2, fresh, 'first_seen = $3', [ago(DAY)]);

    const foreign = problem('foreign', 'CRITICAL');
    await scan(accountB, c3, [foreign]);
    await setState(c3, foreign, 'first_seen = $3', [ago(50 * DAY)]);
  });
  afterAll(async () => {
    await sql?.end();
    await orm?.close();
    await db?.drop();
  });

  it("counts a client's open findings by latest severity, its states, fixes in the window and time to remediate", async () => {
    const [first, second, ...rest] = await metrics(identityOf(accountA));
    expect(rest).toEqual([]);
    expect(first).toMatchObject({
      clientId: c1,
      open: { critical: 2, high: 2, medium: 1, low: 1, info: 1, total: 7 },
      inProgress: 1,
      acceptedRisk: 1,
      fixed: 3,
      meanHours: 60,
      medianHours: 48,
      overdue: 4,
      asOf: now,
    });
    // Priority from the stored score: the in-progress HIGH scored 9.4 is critical, and 3 days old is past 2 days.
    expect(sla(first!)).toEqual({ critical: [3, 2, 5], high: [1, 1, 10], medium: [1, 1, 40], low: [1, 0, 20] });
    expect(first!.sla.map((s) => s.slaDays)).toEqual([2, 7, 30, 90]);
    expect(second).toMatchObject({ clientId: c2, open: { critical: 1, total: 1 }, fixed: 0, meanHours: null, medianHours: null, overdue: 0 });
    expect(sla(second!)).toEqual({ critical: [1, 0, 1], high: [0, 0, null], medium: [0, 0, null], low: [0, 0, null] });
  });

  it('widens the time to remediate to an earlier since', async () => {
    const [m] = await metrics(identityOf(accountA), { clientId: c1, since: ago(250 * DAY) });
    // 48, 10, 122 and 2400 hours: mean 645, median (48 + 122) / 2.
    expect(m).toMatchObject({ fixed: 4, meanHours: 645, medianHours: 85 });
  });

  it('judges overdue against the deadlines of the call, then of the deployment', async () => {
    const [m] = await metrics(identityOf(accountA), { clientId: c1, slaDays: { critical: 4, medium: 60, low: 10 } });
    expect(sla(m!)).toEqual({ critical: [3, 1, 5], high: [1, 1, 10], medium: [1, 0, 40], low: [1, 1, 20] });
    expect(m!.sla.map((s) => s.slaDays)).toEqual([4, 7, 60, 10]);
    expect(m!.overdue).toBe(3);

    const deployment = new FindingMetricsService(orm.em.fork(), identityOf(accountA), { critical: 1, high: 14, medium: 30, low: 90 });
    const [d] = await deployment.perClient({ clientId: c1, slaDays: { high: 9 } }, now);
    // The fresh critical is exactly 1 day old: at its deadline, not past it.
    expect(d!.sla.map((s) => [s.slaDays, s.overdue])).toEqual([[1, 2], [9, 1], [30, 1], [90, 0]]);
  });

  it('shows a client credential only its own client, and another account nothing of this one', async () => {
    expect((await metrics(identityOf(accountA, c2))).map((m) => m.clientId)).toEqual([c2]);
    expect(await metrics(identityOf(accountA, c2), { clientId: c1 })).toEqual([]);
    expect((await metrics(identityOf(accountA), { clientId: c2 })).map((m) => m.clientId)).toEqual([c2]);
    expect(await metrics(identityOf(accountA), { clientId: c3 })).toEqual([]);
    const b = await metrics(identityOf(accountB));
    expect(b.map((m) => [m.clientId, m.open.total, m.overdue])).toEqual([[c3, 1, 1]]);
    expect(await metrics(identityOf(accountB), { clientId: c1 })).toEqual([]);
    expect(await metrics(identityOf(uuidv7()))).toEqual([]);
  });

  it('rejects out-of-range deadlines and a future since, naming each field', async () => {
    const error = await metrics(identityOf(accountA), { since: new Date(now.getTime() + DAY), slaDays: { high: 0, low: 3651 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadUserInputError);
    expect((error as BadUserInputError).issues.map((i) => i.field)).toEqual(['since', 'slaDays.high', 'slaDays.low']);
    expect((error as BadUserInputError).extensions.code).toBe('BAD_USER_INPUT');
  });

  it('answers the findingMetrics query of the subgraph schema with the client reference and every field', async () => {
    const { schema } = await buildFindingsSchema();
    const result = await graphql({
      schema,
      source: `query ($clientId: ID, $slaDays: SlaDaysInput) {
        findingMetrics(clientId: $clientId, slaDays: $slaDays) {
          client { id } open { critical high medium low info total } inProgress acceptedRisk fixed
          meanTimeToRemediateHours medianTimeToRemediateHours overdue asOf
          sla { priority slaDays open overdue oldestOpenDays }
        }
      }`,
      variableValues: { clientId: c1, slaDays: { critical: 4 } },
      contextValue: new FindingsContext(identityOf(accountA), orm.em.fork(), unusedServices),
    });
    expect(result.errors).toBeUndefined();
    const [m] = (result.data as { findingMetrics: Record<string, unknown>[] }).findingMetrics;
    expect(m).toMatchObject({
      client: { id: c1 },
      open: { critical: 2, high: 2, medium: 1, low: 1, info: 1, total: 7 },
      inProgress: 1,
      acceptedRisk: 1,
      fixed: 3,
      meanTimeToRemediateHours: 60,
      medianTimeToRemediateHours: 48,
      overdue: 3,
      sla: [
        { priority: 'critical', slaDays: 4, open: 3, overdue: 1, oldestOpenDays: 5 },
        { priority: 'high', slaDays: 7, open: 1, overdue: 1, oldestOpenDays: 10 },
        { priority: 'medium', slaDays: 30, open: 1, overdue: 1, oldestOpenDays: 40 },
        { priority: 'low', slaDays: 90, open: 1, overdue: 0, oldestOpenDays: 20 },
      ],
    });
    expect(Date.parse(m!.asOf as string)).toBeGreaterThanOrEqual(now.getTime());

    const bad = await graphql({
      schema,
      source: '{ findingMetrics(slaDays: { medium: 0 }) { client { id } } }',
      contextValue: new FindingsContext(identityOf(accountA), orm.em.fork(), unusedServices),
    });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'slaDays.medium' });
  });
});
