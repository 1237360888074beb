import { randomUUID } from 'node:crypto';
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../../lib/auth/identity.js';
import { SCOPES, tenantOf } from '../../../lib/auth/tenant.js';
import { openModuleOrm, type MikroORM } from '../../../lib/db/orm.js';
import { createLogger } from '../../../lib/logger.js';
import { AddressPolicy } from '../../../lib/net/address-policy.js';
import { billingDb, QuotaService } from '../../../subgraphs/billing/src/module.js';
import { planCatalog } from '../../../subgraphs/billing/src/plan/plan.catalog.js';
import { ClientService, clientsDb } from '../../../subgraphs/clients/src/module.js';
import { scansDb } from '../../../subgraphs/scans/src/module.js';
import { ownershipFromEnv } from '../../../subgraphs/scans/src/ownership/ownership.env.js';
import { OwnershipService } from '../../../subgraphs/scans/src/ownership/ownership.service.js';
import { openScanQueue } from '../../../subgraphs/scans/src/queue/scan-queue.js';
import { ScanDns } from '../../../subgraphs/scans/src/scanner/scan-dns.js';
import type { ScanDeps } from '../../../subgraphs/scans/src/scan/scan.service.js';
import { claimDueSchedules, sweepInterrupted } from '../../../subgraphs/scans/src/schedule/schedule-claim.js';
import { ScheduleService } from '../../../subgraphs/scans/src/schedule/schedule.service.js';
import { Scheduler } from '../../../subgraphs/scans/src/schedule/scheduler.js';
import { ScanModeEnum, ScanProfileEnum, TargetTypeEnum } from '../../../subgraphs/scans/src/scan/scan.type.js';
import { ScheduleFrequencyEnum } from '../../../subgraphs/scans/src/schedule/schedule.type.js';
import { seedClientWithKey, seedTenant } from '../../factories/tenant.js';
import { createTestDatabase } from '../../support/database.js';

const policy = AddressPolicy.parse('127.0.0.0/8');
const log = createLogger('schedule-claim-test', 'warn');

describe('claiming due schedules', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let scansOrm: MikroORM;
  let clientsOrm: MikroORM;
  let billingOrm: MikroORM;
  let queue: PgBoss;
  let accountId: string;
  const catalog = planCatalog();
  const ownership = ownershipFromEnv({ VERIFY_ALLOW_HTTP: false, VERIFY_VALID_DAYS: 30, VERIFY_RECHECK_HOURS: 24, VERIFY_TIMEOUT_MS: 1000 }, ScanDns.fromEnv(undefined), policy);

  function depsFor(identity: Identity): ScanDeps {
    return {
      em: scansOrm.em.fork(),
      clients: new ClientService(clientsOrm.em.fork(), tenantOf(identity)),
      quota: new QuotaService(billingOrm.em.fork(), catalog, 'enterprise'),
      queue,
      policy,
      maxCidrHosts: 256,
      ownership,
    };
  }
  const owner = (clientId: string | null = null): Identity => ({ accountId, clientId, scopes: [...SCOPES], credentialId: randomUUID(), credentialHash: '' });
  const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []): Promise<T[]> => scansOrm.em.fork().execute<T[]>(q, params);

  async function dueSchedule(clientId: string | null = null, target = '127.0.0.81'): Promise<string> {
    const s = await new ScheduleService(owner(clientId), depsFor(owner(clientId))).create({
      target,
      targetType: TargetTypeEnum.IP,
      profile: ScanProfileEnum.LIGHT,
      mode: ScanModeEnum.PASSIVE,
      frequency: ScheduleFrequencyEnum.DAILY,
      timeZone: 'Europe/London',
    });
    await sql(`update scans.schedule set next_run_at = date_trunc('second', now()) - interval '1 second' where id = ?`, [s.id]);
    return s.id;
  }

  beforeAll(async () => {
    db = await createTestDatabase('schedule_claim');
    scansOrm = await openModuleOrm(scansDb, { url: db.url, poolMax: 12 });
    clientsOrm = await openModuleOrm(clientsDb, { url: db.url, poolMax: 4 });
    billingOrm = await openModuleOrm(billingDb, { url: db.url, poolMax: 4 });
    queue = await openScanQueue(db.url, { heartbeatSeconds: 30, superviseIntervalSeconds: 15, retryLimit: 0, expireInSeconds: 60 }, log, { supervise: false });
    accountId = (await seedTenant(db.url)).accountId;
  });
  afterAll(async () => {
    await queue?.stop({ graceful: false, timeout: 2000 });
    await billingOrm?.close();
    await clientsOrm?.close();
    await scansOrm?.close();
    await db?.drop();
  });

  it('gives one due slot to exactly one of eight concurrent claimers', async () => {
    const id = await dueSchedule();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => claimDueSchedules(scansOrm.em, `claimer-${i}`, 10)));
    const mine = results.flat().filter((r) => r.schedule.id === id);
    expect(mine).toHaveLength(1);
    const runs = await sql<{ outcome: string; claimed_by: string }>('select outcome, claimed_by from scans.schedule_run where schedule_id = ?', [id]);
    expect(runs).toEqual([{ outcome: 'PENDING', claimed_by: expect.stringMatching(/^claimer-\d$/) }]);
    const [row] = await sql<{ next_run_at: Date; last_run_at: Date }>('select next_run_at, last_run_at from scans.schedule where id = ?', [id]);
    expect(new Date(row!.next_run_at).getTime()).toBeGreaterThan(Date.now());
    expect(new Date(row!.last_run_at).toISOString()).toBe(mine[0]!.slot.toISOString());
  });

  it('starts one scan triggered by the schedule when eight schedulers tick at once', async () => {
    const id = await dueSchedule();
    const schedulers = Array.from({ length: 8 }, () => new Scheduler({ databaseUrl: db.url, scansOrm, depsFor, log, tickMs: 1000, batch: 10 }));
    await Promise.all(schedulers.map((s) => s.tick()));
    const runs = await sql<{ outcome: string; scan_id: string }>('select outcome, scan_id from scans.schedule_run where schedule_id = ?', [id]);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.outcome).toBe('STARTED');
    const scans = await sql<{ id: string; triggered_by: string; target: string }>('select id, triggered_by, target from scans.scan where id = ?', [runs[0]!.scan_id]);
    expect(scans).toEqual([{ id: runs[0]!.scan_id, triggered_by: 'schedule', target: '127.0.0.81' }]);
  });

  it('leaves a slot whose run row already exists to the unique constraint, and still moves the schedule on', async () => {
    const id = await dueSchedule();
    const [{ next_run_at: slot }] = (await sql<{ next_run_at: Date }>('select next_run_at from scans.schedule where id = ?', [id])) as [{ next_run_at: Date }];
    await sql(
      `insert into scans.schedule_run (id, schedule_id, account_id, client_id, slot, outcome, claimed_by, claimed_at)
       select ?, id, account_id, client_id, next_run_at, 'STARTED', 'earlier', now() from scans.schedule where id = ?`,
      [randomUUID(), id],
    );
    const claimed = (await claimDueSchedules(scansOrm.em, 'late', 10)).filter((r) => r.schedule.id === id);
    expect(claimed).toEqual([]);
    expect(await sql('select claimed_by from scans.schedule_run where schedule_id = ?', [id])).toEqual([{ claimed_by: 'earlier' }]);
    const [row] = await sql<{ next_run_at: Date }>('select next_run_at from scans.schedule where id = ?', [id]);
    expect(new Date(row!.next_run_at).getTime()).toBeGreaterThan(new Date(slot).getTime());
  });

  it('runs only the latest missed slot after downtime', async () => {
    const id = await dueSchedule();
    await sql(`update scans.schedule set next_run_at = next_run_at - interval '5 days' where id = ?`, [id]);
    const claimed = (await claimDueSchedules(scansOrm.em, 'after-downtime', 10)).filter((r) => r.schedule.id === id);
    expect(claimed).toHaveLength(1);
    expect(Date.now() - claimed[0]!.slot.getTime()).toBeLessThanOrEqual(25 * 3_600_000);
    expect(await sql('select count(*)::int as n from scans.schedule_run where schedule_id = ?', [id])).toEqual([{ n: 1 }]);
  });

  it('records a trial client over quota as SKIPPED with the quota numbers', async () => {
    const { clientId } = await seedClientWithKey(db.url, accountId, 'Trial Co');
    await billingOrm.em.fork().execute(`insert into billing.client_plan (client_id, account_id, tier, subscribed_at, updated_at) values (?, ?, 'trial', now(), now())`, [clientId, accountId]);
    const quota = new QuotaService(billingOrm.em.fork(), catalog, 'enterprise');
    await quota.consumeScan(accountId, clientId);
    await quota.consumeScan(accountId, clientId);
    const id = await dueSchedule(clientId);
    await new Scheduler({ databaseUrl: db.url, scansOrm, depsFor, log, tickMs: 1000, batch: 10 }).tick();
    const runs = await sql<{ outcome: string; reason: string; quota: Record<string, unknown>; scan_id: string | null }>(
      'select outcome, reason, quota, scan_id from scans.schedule_run where schedule_id = ?',
      [id],
    );
    expect(runs).toEqual([{ outcome: 'SKIPPED', reason: 'QUOTA_EXCEEDED', quota: { limit: 2, used: 2, period_end: null }, scan_id: null }]);
  });

  it('closes a run left PENDING by a scheduler that stopped, without running the slot again', async () => {
    const id = await dueSchedule();
    await sql(
      `insert into scans.schedule_run (id, schedule_id, account_id, client_id, slot, outcome, claimed_by, claimed_at)
       select ?, id, account_id, client_id, next_run_at - interval '1 day', 'PENDING', 'crashed', now() - interval '1 hour' from scans.schedule where id = ?`,
      [randomUUID(), id],
    );
    expect(await sweepInterrupted(scansOrm.em)).toBeGreaterThanOrEqual(1);
    expect(await sql('select outcome, reason from scans.schedule_run where schedule_id = ? and claimed_by = ?', [id, 'crashed'])).toEqual([
      { outcome: 'FAILED', reason: 'INTERRUPTED' },
    ]);
  });

  it('needs the ownership proof to schedule an active scan, records SCHEDULE authorisations per run, and skips a run once the proof is gone', async () => {
    const { clientId } = await seedClientWithKey(db.url, accountId, 'Active Co');
    const who = owner();
    const input = {
      clientId,
      target: '127.0.0.82',
      targetType: TargetTypeEnum.IP,
      profile: ScanProfileEnum.LIGHT,
      mode: ScanModeEnum.ACTIVE,
      frequency: ScheduleFrequencyEnum.DAILY,
      timeZone: 'UTC',
      authorisation: { authorised: true, authorisedBy: 'Jane Doe' },
    };
    await expect(new ScheduleService(who, depsFor(who)).create(input)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN', reason: 'TARGET_UNVERIFIED' } });
    const attestation = await new OwnershipService(who, depsFor(who)).attestTarget({ target: '127.0.0.82', statement: 'ours', clientId });
    await expect(new ScheduleService(who, depsFor(who)).create({ ...input, authorisation: null })).rejects.toMatchObject({ extensions: { reason: 'NOT_AUTHORISED' } });
    const schedule = await new ScheduleService(who, depsFor(who)).create(input);
    expect(schedule).toMatchObject({ authorisedBy: 'Jane Doe', authorisedAt: expect.any(Date) });

    const tick = () => new Scheduler({ databaseUrl: db.url, scansOrm, depsFor, log, tickMs: 1000, batch: 10 }).tick();
    await sql(`update scans.schedule set next_run_at = date_trunc('second', now()) - interval '1 second' where id = ?`, [schedule.id]);
    await tick();
    const [started] = await sql<{ outcome: string; scan_id: string }>('select outcome, scan_id from scans.schedule_run where schedule_id = ?', [schedule.id]);
    expect(started!.outcome).toBe('STARTED');
    expect(await sql('select source, source_id, authorised_by, evidence_kind from scans.scan_authorisation where scan_id = ?', [started!.scan_id])).toEqual([
      { source: 'SCHEDULE', source_id: schedule.id, authorised_by: 'Jane Doe', evidence_kind: 'ATTESTATION' },
    ]);

    await new OwnershipService(who, depsFor(who)).revokeAttestation(attestation.id);
    await sql(`update scans.schedule set next_run_at = date_trunc('second', now()) + interval '1 second' - interval '2 days' where id = ?`, [schedule.id]);
    await tick();
    const runs = await sql<{ outcome: string; reason: string | null }>('select outcome, reason from scans.schedule_run where schedule_id = ? order by claimed_at', [schedule.id]);
    expect(runs).toEqual([
      { outcome: 'STARTED', reason: null },
      { outcome: 'SKIPPED', reason: 'TARGET_UNVERIFIED' },
    ]);
  });
});
