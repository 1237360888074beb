import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import type { Identity } from '../../../lib/auth/identity.js';
import { openModuleOrm } from '../../../lib/db/orm.js';
import { createLogger } from '../../../lib/logger.js';
import type { ClientService } from '../../../subgraphs/clients/src/module.js';
import { AlertService } from '../../../subgraphs/findings/src/alert/alert.service.js';
import { findingsDb } from '../../../subgraphs/findings/src/module.js';
import { alertEnv, alertSettings } from '../../../subgraphs/findings/src/alert/alert.env.js';
import { AlertSender } from '../../../subgraphs/findings/src/alert/alert-sender.js';
import { AlertCipher } from '../../../subgraphs/findings/src/alert/alert-secret.js';
import { sampleMessage } from '../../../subgraphs/findings/src/alert/alert-message.js';
import { createTestDatabase } from '../../support/database.js';

// This test's own loopback address.
const HOST = '127.0.0.85';

describe('alert deliveries of deleted or disabled channels send nothing', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  let receiver: http.Server;
  let hits = 0;
  let url = '';
  const settings = alertSettings(alertEnv.parse({ INTERNAL_TOKEN_SECRET: 'y'.repeat(40), ALERT_ALLOW_HTTP: 'true', SCAN_ALLOW_CIDRS: `${HOST}/32` }));
  const accountId = uuidv7();
  const clientId = uuidv7();

  beforeAll(async () => {
    db = await createTestDatabase('alert-sender');
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    receiver = http.createServer((req, res) => {
      hits++;
      req.resume().on('end', () => res.end('ok'));
    });
    await new Promise<void>((r) => receiver.listen(0, HOST, () => r()));
    url = `http://${HOST}:${(receiver.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => receiver?.close(() => r()));
    await pool?.end();
    await db?.drop();
  });

  async function channel(enabled: boolean): Promise<string> {
    const id = uuidv7();
    await pool.query(
      `insert into findings.alert_channel (id, account_id, client_id, kind, url_sealed, destination_hint, enabled, created_by, created_at, updated_at)
       values ($1, $2, $3, 'SLACK', $4, 'http://h/…', $5, 'key.' || $6, now(), now())`,
      [id, accountId, uuidv7(), new AlertCipher(settings.secret).encrypt(url, id, 'url'), enabled, uuidv7()],
    );
    return id;
  }

  async function delivery(channelId: string): Promise<string> {
    const id = uuidv7();
    await pool.query(
      `insert into findings.alert_delivery (id, account_id, client_id, channel_id, event, event_key, summary, message, created_at, updated_at)
       values ($1, $2, $3, $4, 'TEST', $5, 'test', $6::jsonb, now(), now())`,
      [id, accountId, clientId, channelId, `test:${id}`, JSON.stringify(sampleMessage(clientId, 'Client'))],
    );
    return id;
  }

  it('sends to an enabled channel (the receiver is reachable)', async () => {
    const sender = new AlertSender(pool, settings, createLogger('test', 'silent'));
    const before = hits;
    expect(await sender.deliver(await delivery(await channel(true)), false)).toBe('delivered');
    expect(hits).toBe(before + 1);
  });

  it('drops a delivery whose channel was deleted while it was recorded, so nothing queues it again', async () => {
    const sender = new AlertSender(pool, settings, createLogger('test', 'silent'));
    const channelId = await channel(true);
    const id = await delivery(channelId);
    await pool.query('delete from findings.alert_channel where id = $1', [channelId]);
    const before = hits;
    expect(await sender.deliver(id, false)).toBe('skipped');
    expect(hits).toBe(before);
    expect((await pool.query('select 1 from findings.alert_delivery where id = $1', [id])).rowCount).toBe(0);
  });

  it('sends nothing to a disabled channel, retries included, and says why', async () => {
    const sender = new AlertSender(pool, settings, createLogger('test', 'silent'));
    const id = await delivery(await channel(false));
    const before = hits;
    expect(await sender.deliver(id, false)).toBe('failed');
    expect(hits).toBe(before);
    const row = (await pool.query<{ status: string; last_error: string; attempts: number }>('select status, last_error, attempts from findings.alert_delivery where id = $1', [id])).rows[0]!;
    expect(row).toEqual({ status: 'FAILED', last_error: 'the channel is disabled', attempts: 0 });
  });

  it('closes a redelivery the queue refuses as FAILED with the reason, never PENDING with no job to send it', async () => {
    const orm = await openModuleOrm(findingsDb, { url: db.url, poolMax: 1 });
    try {
      const id = await delivery(await channel(true));
      await pool.query(`update findings.alert_delivery set status = 'DELIVERED', attempts = 1 where id = $1`, [id]);
      const admin: Identity = { accountId, clientId: null, scopes: ['clients:admin'], credentialId: uuidv7(), credentialHash: 'h' };
      // The queue is the boundary faked here: it refuses the job.
      const refusing = { send: async () => Promise.reject(new Error('connection terminated')) };
      const service = new AlertService(orm.em.fork(), admin, { settings, queue: refusing as never }, {} as ClientService);
      await expect(service.redeliver(id)).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
      const row = (await pool.query<{ status: string; last_error: string }>('select status, last_error from findings.alert_delivery where id = $1', [id])).rows[0]!;
      expect(row.status).toBe('FAILED');
      expect(row.last_error).toMatch(/could not be queued.*redeliverAlert/);
    } finally {
      await orm.close();
    }
  });
});
