import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { openModuleOrm, type MikroORM } from '../../../lib/db/orm.js';
import { createLogger } from '../../../lib/logger.js';
import { ScanEventBus } from '../../../subgraphs/scans/src/events/scan-event.bus.js';
import { ScanStateStore } from '../../../subgraphs/scans/src/events/scan-state.store.js';
import { ScanEntity, ScanEventEntity } from '../../../subgraphs/scans/src/scan/scan.entity.js';
import { scansDb } from '../../../subgraphs/scans/src/module.js';
import { createTestDatabase } from '../../support/database.js';

describe('scan state changes', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM;
  let bus: ScanEventBus;

  beforeAll(async () => {
    db = await createTestDatabase('scan_events');
    orm = await openModuleOrm(scansDb, { url: db.url, poolMax: 4 });
    bus = new ScanEventBus(db.url, createLogger('test', 'silent'));
    await bus.start();
  });
  afterAll(async () => {
    await bus?.close();
    await orm?.close();
    await db?.drop();
  });

  async function newScan(): Promise<string> {
    const em = orm.em.fork();
    const scan = em.create(ScanEntity, {
      accountId: uuidv7(),
      clientId: uuidv7(),
      target: 'http://127.0.0.1/',
      targetType: 'URL',
      profile: 'LIGHT',
      mode: 'PASSIVE',
      status: 'QUEUED',
      progress: 0,
      revision: 1,
      error: null,
      triggeredBy: 'api',
      createdBy: uuidv7(),
      startedAt: null,
      completedAt: null,
    });
    await em.transactional((tx) => ScanStateStore.insertNew(tx, scan));
    return scan.id;
  }

  it('records every step as an event with a rising revision and notifies each one in order', async () => {
    const id = await newScan();
    const heard: number[] = [];
    let lastId = Number.POSITIVE_INFINITY;
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    // NOTIFY arrives asynchronously: the creation's own notification may still be on its way.
    const stop = bus.listen(id, (eventId) => {
      heard.push(eventId);
      if (eventId >= lastId) done();
    });
    const store = new ScanStateStore(orm.em.fork());
    await store.apply(id, { status: 'RUNNING', startedAt: new Date() });
    await store.apply(id, { progress: 50 });
    lastId = (await store.apply(id, { status: 'COMPLETED', progress: 100, completedAt: new Date() }))!.id;
    if (heard.includes(lastId)) done();
    await all;
    stop();
    const events = await orm.em.fork().find(ScanEventEntity, { scanId: id }, { orderBy: { revision: 'asc' } });
    expect(events.map((e) => [e.revision, e.status, e.progress])).toEqual([
      [1, 'QUEUED', 0],
      [2, 'RUNNING', 0],
      [3, 'RUNNING', 50],
      [4, 'COMPLETED', 100],
    ]);
    expect(heard.filter((h) => h > events[0]!.id)).toEqual(events.slice(1).map((e) => e.id));
  });

  it('leaves an ended scan alone', async () => {
    const id = await newScan();
    const store = new ScanStateStore(orm.em.fork());
    await store.apply(id, { status: 'FAILED', error: 'target refused', completedAt: new Date() });
    expect(await store.apply(id, { status: 'RUNNING' })).toBeNull();
    expect(await store.apply(id, { status: 'COMPLETED' })).toBeNull();
    const scan = await orm.em.fork().findOneOrFail(ScanEntity, { id });
    expect([scan.status, scan.error, scan.revision]).toEqual(['FAILED', 'target refused', 2]);
  });

  it('keeps concurrent writers from losing a revision', async () => {
    const id = await newScan();
    await Promise.all(Array.from({ length: 8 }, (_, i) => new ScanStateStore(orm.em.fork()).apply(id, { progress: i * 10 })));
    const events = await orm.em.fork().find(ScanEventEntity, { scanId: id }, { orderBy: { revision: 'asc' } });
    expect(events.map((e) => e.revision)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
