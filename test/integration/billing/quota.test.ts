import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { openModuleOrm, type MikroORM } from '../../../lib/db/orm.js';
import { QuotaExceededError } from '../../../lib/errors.js';
import { billingDb, planCatalog, QuotaService } from '../../../subgraphs/billing/src/module.js';
import { createTestDatabase } from '../../support/database.js';

describe('scan quota', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM;
  const service = (tier: 'trial' | 'starter' | 'enterprise') => new QuotaService(orm.em.fork(), planCatalog(), tier);

  beforeAll(async () => {
    db = await createTestDatabase('quota');
    orm = await openModuleOrm(billingDb, { url: db.url, poolMax: 10 });
  });
  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  it('lets exactly two of ten concurrent scans of a trial client through', async () => {
    const accountId = uuidv7();
    const clientId = uuidv7();
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => service('trial').consumeScan(accountId, clientId)));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(2);
    expect(refused).toHaveLength(8);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(QuotaExceededError);
      expect(r.reason.extensions.code).toBe('QUOTA_EXCEEDED');
      expect(r.reason.extensions.quota).toEqual({ limit: 2, used: 2, period_end: null });
    }
    const usage = await service('trial').usage({ accountId, clientId: null }, clientId);
    expect(usage).toMatchObject({ used: 2, limit: 2, periodEnd: null });
  });

  it('counts a starter client per calendar month with the period end in the error', async () => {
    const accountId = uuidv7();
    const clientId = uuidv7();
    for (let i = 0; i < 5; i++) await service('starter').consumeScan(accountId, clientId);
    const err = await service('starter').consumeScan(accountId, clientId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuotaExceededError);
    const now = new Date();
    const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
    expect((err as QuotaExceededError).extensions.quota).toEqual({ limit: 5, used: 5, period_end: nextMonth });
  });

  it('refuses an active scan on the trial plan without consuming a scan', async () => {
    const accountId = uuidv7();
    const clientId = uuidv7();
    await expect(service('trial').consumeScan(accountId, clientId, { active: true })).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(await service('trial').usage({ accountId, clientId: null }, clientId)).toMatchObject({ used: 0 });
    await expect(service('starter').consumeScan(uuidv7(), uuidv7(), { active: true })).resolves.toMatchObject({ used: 1 });
  });

  it('gives back a refunded scan', async () => {
    const accountId = uuidv7();
    const clientId = uuidv7();
    await service('trial').consumeScan(accountId, clientId);
    await service('trial').consumeScan(accountId, clientId);
    await service('trial').refundScan(accountId, clientId);
    await expect(service('trial').consumeScan(accountId, clientId)).resolves.toMatchObject({ used: 2 });
  });

  it('never counts against an unlimited plan, but records usage', async () => {
    const accountId = uuidv7();
    const clientId = uuidv7();
    for (let i = 0; i < 12; i++) await service('enterprise').consumeScan(accountId, clientId);
    const usage = await service('enterprise').usage({ accountId, clientId: null }, clientId);
    expect(usage).toMatchObject({ used: 12, limit: null });
  });

  it("shows no usage of another account's client", async () => {
    const clientId = uuidv7();
    await service('trial').consumeScan(uuidv7(), clientId);
    expect(await service('trial').usage({ accountId: uuidv7(), clientId: null }, clientId)).toBeNull();
  });
});
