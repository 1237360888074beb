import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant, type SeededTenant } from '../factories/tenant.js';
import { ALL_SECURITY_HEADERS, startLabTarget, type LabTarget } from '../lab/lab-target.js';
import { eventually, gql } from '../support/graphql.js';
import { restClient } from '../support/rest.js';
import { attestLabTarget } from '../support/target-ownership.js';
import { startTestStack, type TestStack } from './stack.js';

const HOST = '127.0.0.81';
const SCHEDULE = `mutation($i: ScheduleScanInput!) { scheduleScan(input: $i) { id paused nextRunAt timeZone frequency client { id } } }`;
const RUNS = `query($id: ID!) { schedule(id: $id) { paused lastRunAt nextRunAt runs(first: 10) { slot outcome reason detail quota { limit used periodEnd } scan { id triggeredBy status } } } }`;

/**
 * Schedules through the whole platform: two workers (each running a scheduler) and one standalone
 * scheduler process (`start-service scheduler`) share one database; a due schedule runs exactly
 * once, a paused one not at all, a trial client over quota gets a SKIPPED run, and POST
 * /scans/schedule answers its documented shape.
 */
describe('scheduled scans with two workers and three schedulers', () => {
  let t: TestStack;
  let lab: LabTarget;
  let tenant: SeededTenant;
  let db: pg.Client;

  const call = (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = { 'x-api-key': tenant.apiKey }) =>
    gql(t.stack.gatewayUrl, query, variables, headers);

  /** Every running scheduler's completed ticks, by instance id. */
  async function ticks(): Promise<Map<string, number>> {
    const r = await db.query<{ id: string; ticks: string }>(`select id, ticks from scans.scheduler_instance where last_tick_at > now() - interval '30 seconds'`);
    return new Map(r.rows.map((row) => [row.id, Number(row.ticks)]));
  }

  /** Makes schedules due now (the test's shortcut for "the slot has come"), then waits until every scheduler has looked twice since. */
  async function dueAndSeenByAll(ids: string[]): Promise<void> {
    await db.query(`update scans.schedule set next_run_at = date_trunc('second', now()) - interval '1 second' where id = any($1::uuid[])`, [ids]);
    const before = await ticks();
    // Two more completed ticks: the second began after the update, whatever the first was doing.
    await eventually(
      async () => {
        const now = await ticks();
        return [...before].every(([id, n]) => (now.get(id) ?? 0) >= n + 2);
      },
      60_000,
      'every scheduler completing two ticks after the schedules became due',
    );
  }

  beforeAll(async () => {
    t = await startTestStack('schedules', { workers: 2, env: { SCHEDULER_TICK_MS: '250' } });
    await t.stack.startScheduler();
    lab = await startLabTarget({ host: HOST, headers: ALL_SECURITY_HEADERS });
    tenant = await seedTenant(t.databaseUrl);
    db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    // Two worker schedulers and the standalone one, all ticking.
    await eventually(async () => (await ticks()).size >= 3, 60_000, 'three schedulers ticking');
  });
  afterAll(async () => {
    await db?.end();
    await lab?.close();
    await t?.stop();
  });

  it('runs a due schedule exactly once across three schedulers, and never a paused one', async () => {
    expect((await ticks()).size).toBe(3);
    const due = await call(SCHEDULE, { i: { target: `${lab.url}due`, targetType: 'URL', profile: 'LIGHT', frequency: 'DAILY', timeZone: 'Europe/London' } });
    expect(due.errors).toBeUndefined();
    const paused = await call(SCHEDULE, { i: { target: `${lab.url}paused`, targetType: 'URL', profile: 'LIGHT', frequency: 'DAILY' } });
    const dueId: string = due.data!.scheduleScan.id;
    const pausedId: string = paused.data!.scheduleScan.id;
    const p = await call(`mutation($id: ID!) { pauseSchedule(id: $id) { paused nextRunAt } }`, { id: pausedId });
    expect(p.data!.pauseSchedule).toEqual({ paused: true, nextRunAt: null });

    await dueAndSeenByAll([dueId, pausedId]);

    const runs = await db.query<{ schedule_id: string; outcome: string; scan_id: string }>(
      'select schedule_id, outcome, scan_id from scans.schedule_run where schedule_id = any($1::uuid[])',
      [[dueId, pausedId]],
    );
    expect(runs.rows).toEqual([{ schedule_id: dueId, outcome: 'STARTED', scan_id: expect.any(String) }]);
    const scans = await db.query<{ id: string; triggered_by: string }>(`select id, triggered_by from scans.scan where target like $1`, [`${lab.url}%`]);
    expect(scans.rows).toEqual([{ id: runs.rows[0]!.scan_id, triggered_by: 'schedule' }]);

    // The scan went through the ordinary queue: a worker runs it to the end.
    const view = await eventually(
      async () => {
        const r = await call(RUNS, { id: dueId });
        return r.data?.schedule.runs[0]?.scan?.status === 'COMPLETED' ? r.data.schedule : null;
      },
      90_000,
      'the scheduled scan completing',
    );
    expect(view.runs).toHaveLength(1);
    expect(view.runs[0]).toMatchObject({ outcome: 'STARTED', reason: null, scan: { id: runs.rows[0]!.scan_id, triggeredBy: 'schedule' } });
    expect(view.lastRunAt).toBe(view.runs[0].slot);
    expect(Date.parse(view.nextRunAt)).toBeGreaterThan(Date.now());
    const still = await call(RUNS, { id: pausedId });
    expect(still.data!.schedule).toMatchObject({ paused: true, nextRunAt: null, runs: [] });
  });

  it('records a run of a trial client over its quota as SKIPPED with the quota, and starts no scan', async () => {
    const reg = await call(`mutation { registerClient(input: { name: "Trial Sched Co", email: "sec@trial-sched.example", tier: TRIAL }) { clientId token } }`);
    expect(reg.errors).toBeUndefined();
    const { clientId, token } = reg.data!.registerClient;
    for (let i = 0; i < 2; i++) {
      const s = await call(`mutation($i: CreateScanInput!) { createScan(input: $i) { id } }`, { i: { target: `${lab.url}trial-${i}`, targetType: 'URL', profile: 'LIGHT' } }, { authorization: `Bearer ${token}` });
      expect(s.errors).toBeUndefined();
    }
    const sched = await call(SCHEDULE, { i: { clientId, target: `${lab.url}trial-scheduled`, targetType: 'URL', frequency: 'WEEKLY' } });
    expect(sched.errors).toBeUndefined();
    const id: string = sched.data!.scheduleScan.id;
    await dueAndSeenByAll([id]);
    const r = await call(RUNS, { id });
    expect(r.data!.schedule.runs).toEqual([
      { slot: expect.any(String), outcome: 'SKIPPED', reason: 'QUOTA_EXCEEDED', detail: 'Scan quota exceeded: 2 of 2 used', quota: { limit: 2, used: 2, periodEnd: null }, scan: null },
    ]);
    const scans = await db.query(`select id from scans.scan where target = $1`, [`${lab.url}trial-scheduled`]);
    expect(scans.rows).toEqual([]);
  });

  it('answers POST /scans/schedule with the documented shape, and the schedule lists in schedules', async () => {
    const rest = restClient(t);
    const headers = { 'x-api-key': tenant.apiKey };
    const res = await rest.post('/scans/schedule', {
      headers,
      body: { client_id: tenant.defaultClientId, target: `${lab.url}rest`, target_type: 'url', scan_profile: 'standard', frequency: 'weekly', time_zone: 'America/New_York' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      client_id: tenant.defaultClientId,
      target: `${lab.url}rest`,
      target_type: 'url',
      scan_profile: 'standard',
      frequency: 'weekly',
      time_zone: 'America/New_York',
      time_of_day: '03:00',
      status: 'active',
      mode: 'passive',
      authorisation: null,
    });
    // The first run: a Monday, 03:00 in New York.
    const local = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(res.body.next_run_at));
    expect(local).toBe('Mon 03:00');
    const list = await call(`query($c: ID) { schedules(clientId: $c, first: 50) { edges { node { id target frequency timeZone nextRunAt } } } }`, { c: tenant.defaultClientId });
    expect(list.data!.schedules.edges.map((e: { node: unknown }) => e.node)).toContainEqual({
      id: res.body.schedule_id,
      target: `${lab.url}rest`,
      frequency: 'WEEKLY',
      timeZone: 'America/New_York',
      nextRunAt: new Date(res.body.next_run_at).toISOString(),
    });

    const bad = await rest.post('/scans/schedule', { headers, body: { target: 'company.com', frequency: 'weekly', time_zone: 'Mars/Olympus' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'invalid_input', issues: [{ field: 'time_zone' }] });
    const foreign = await rest.post('/scans/schedule', { headers, body: { client_id: '01900000-0000-7000-8000-000000000000', target: `${lab.url}x`, frequency: 'daily' } });
    expect(foreign.status).toBe(404);
  });

  it('makes an active schedule from POST /scans/schedule with authorised: true, refused as POST /scan/authorised is, each run with its own SCHEDULE record', async () => {
    const rest = restClient(t);
    const headers = { 'x-api-key': tenant.apiKey };
    const target = `${lab.url}active`;
    const body = { target, target_type: 'url', scan_profile: 'light', frequency: 'daily', authorised: true, authorised_by: 'Jane Roe (CISO)' };
    const count = async (): Promise<number> => Number((await db.query(`select count(*) from scans.schedule where target = $1`, [target])).rows[0].count);

    // The same refusals as one active scan, before anything is stored.
    const unproven = await rest.post('/scans/schedule', { headers, body });
    expect(unproven.status).toBe(403);
    expect(unproven.body).toMatchObject({ error: 'forbidden', reason: 'TARGET_UNVERIFIED' });
    const declined = await rest.post('/scans/schedule', { headers, body: { ...body, authorised: false } });
    expect(declined.status).toBe(403);
    expect(declined.body).toMatchObject({ error: 'forbidden', reason: 'NOT_AUTHORISED' });
    const nameOnly = await rest.post('/scans/schedule', { headers, body: { ...body, authorised: undefined } });
    expect(nameOnly.status).toBe(400);
    expect(nameOnly.body).toEqual({ error: 'invalid_input', issues: [{ field: 'authorised', message: expect.any(String) }] });
    const reg = await call(`mutation { registerClient(input: { name: "Trial Active Sched Co", email: "sec@trial-active.example", tier: TRIAL }) { clientId } }`);
    expect(reg.errors).toBeUndefined();
    const trial = await rest.post('/scans/schedule', { headers, body: { ...body, client_id: reg.data!.registerClient.clientId } });
    expect(trial.status).toBe(403);
    expect(trial.body).toMatchObject({ error: 'forbidden', reason: 'PLAN_WITHOUT_ACTIVE_SCANS' });
    expect(await count()).toBe(0);

    await attestLabTarget(t.stack.gatewayUrl, tenant.apiKey, HOST);
    const res = await rest.post('/scans/schedule', { headers, body });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ client_id: tenant.defaultClientId, target, frequency: 'daily', status: 'active', mode: 'active', authorisation: { authorised: true, authorised_by: 'Jane Roe (CISO)' } });
    expect(Date.parse(res.body.authorisation.authorised_at)).toBeLessThanOrEqual(Date.now());
    const id: string = res.body.schedule_id;
    expect(await count()).toBe(1);

    await dueAndSeenByAll([id]);
    const run = (await call(RUNS, { id })).data!.schedule.runs;
    expect(run).toMatchObject([{ outcome: 'STARTED', reason: null, scan: { triggeredBy: 'schedule' } }]);
    const scan = await call(`query($id: ID!) { scan(id: $id) { mode authorisation { authorised authorisedBy source sourceId target userAgent proof { kind attestedTarget } } } }`, { id: run[0].scan.id });
    expect(scan.errors).toBeUndefined();
    expect(scan.data!.scan).toEqual({
      mode: 'ACTIVE',
      authorisation: { authorised: true, authorisedBy: 'Jane Roe (CISO)', source: 'SCHEDULE', sourceId: id, target, userAgent: 'fixfirst-scheduler', proof: { kind: 'ATTESTATION', attestedTarget: expect.stringMatching(/^127\.0\.0\.81(\/32)?$/) } },
    });
  });
});
