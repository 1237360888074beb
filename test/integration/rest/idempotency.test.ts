import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../../lib/auth/api-key.js';
import { createLogger } from '../../../lib/logger.js';
import { fingerprintOf, IdempotencyStore } from '../../../rest-adapter/src/idempotency.js';
import { eventually } from '../../support/graphql.js';
import { recordIssuedToken } from '../../support/token-audit.js';
import type { SeenRequest } from './fake-gateway.js';
import { startTinyAdapter, type TinyAdapter } from './tiny-adapter.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJpZGVtcG90ZW5jeS10ZXN0In0.dGhpcy1pcy1hLXRlc3Qtc2lnbmF0dXJlLW9ubHk';
recordIssuedToken(JWT);

describe('Idempotency-Key on POST (a small route table in front of a fake gateway)', () => {
  let t: TinyAdapter;
  let pool: pg.Pool;
  const apiKey = generateApiKey();
  const otherKey = generateApiKey();
  recordIssuedToken(apiKey);
  recordIssuedToken(otherKey);
  const headers = (idem: string, key = apiKey) => ({ 'x-api-key': key, 'idempotency-key': idem });
  /** Mutations the fake gateway ran (the credential check of a replay is not one). */
  const created = () => t.gateway.seen.filter((s) => s.query.includes('CreateThing') || s.query.includes('IssueToken'));
  let delayMs = 0;

  beforeAll(async () => {
    t = await startTinyAdapter('rest-idempotency', { IDEMPOTENCY_WAIT_MS: '1500' });
    pool = new pg.Pool({ connectionString: t.databaseUrl, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await t?.stop(); // the database is audited for plaintext tokens when dropped
  });
  beforeEach(() => {
    delayMs = 0;
    t.gateway.seen.length = 0;
    t.gateway.setResponder((r: SeenRequest) => {
      if (r.query.includes('RestCredentialCheck')) return { body: { data: { __typename: 'Query' } } };
      if (r.query.includes('IssueToken')) return { body: { data: { issueToken: { token: JWT } } } };
      return { delayMs, body: { data: { createThing: { id: randomUUID() } } } };
    });
  });

  it('returns the first answer for the same key and body without running the handler again', async () => {
    const idem = randomUUID();
    const first = await t.rest.post('/things', { headers: headers(idem), body: { name: 'Widget', size: 'large' } });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // Same JSON, other key order: the same request.
    const again = await t.rest.post('/things', { headers: headers(idem), body: { size: 'large', name: 'Widget' } });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(created()).toHaveLength(1);
    // The replay still asked the gateway whether the credential is valid.
    expect(t.gateway.seen.filter((s) => s.query.includes('RestCredentialCheck'))).toHaveLength(1);
  });

  it('answers 409 conflict for the same key with another body, and runs nothing', async () => {
    const idem = randomUUID();
    await t.rest.post('/things', { headers: headers(idem), body: { name: 'Widget' } });
    const other = await t.rest.post('/things', { headers: headers(idem), body: { name: 'Gadget' } });
    expect(other.status).toBe(409);
    expect(other.body).toEqual({ error: 'conflict', message: expect.stringContaining('another request') });
    expect(created()).toHaveLength(1);
  });

  it('keeps keys per credential: another credential with the same key runs its own request', async () => {
    const idem = randomUUID();
    const mine = await t.rest.post('/things', { headers: headers(idem), body: { name: 'Widget' } });
    const theirs = await t.rest.post('/things', { headers: headers(idem, otherKey), body: { name: 'Widget' } });
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(created()).toHaveLength(2);
  });

  it('lets concurrent requests with one key create once: the others wait and get the same answer', async () => {
    delayMs = 300;
    const idem = randomUUID();
    const answers = await Promise.all(Array.from({ length: 6 }, () => t.rest.post('/things', { headers: headers(idem), body: { name: 'Widget' } })));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(5);
    expect(created()).toHaveLength(1);
  });

  it('answers 409 to a request whose key is still running after the wait', async () => {
    delayMs = 4000;
    const idem = randomUUID();
    const slow = t.rest.post('/things', { headers: headers(idem), body: { name: 'Widget' } });
    await eventually(async () => created().length === 1, 5000, 'the first request reaching the gateway');
    const second = await t.rest.post('/things', { headers: headers(idem), body: { name: 'Widget' } });
    expect(second.status).toBe(409);
    expect(second.body.message).toContain('still being processed');
    expect((await slow).status).toBe(201);
    expect(created()).toHaveLength(1);
  });

  it('frees the key after a failure, so a retry runs again', async () => {
    const idem = randomUUID();
    t.gateway.setResponder(() => ({ body: { errors: [{ message: 'quota', extensions: { code: 'QUOTA_EXCEEDED', quota: { limit: 1, used: 1, period_end: null } } }] } }));
    expect((await t.rest.post('/things', { headers: headers(idem), body: { name: 'Widget' } })).status).toBe(429);
    t.gateway.setResponder(() => ({ body: { data: { createThing: { id: 'after-retry' } } } }));
    const retry = await t.rest.post('/things', { headers: headers(idem), body: { name: 'Widget' } });
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe('after-retry');
  });

  it('refuses a replay to a credential revoked since (401), like any other call', async () => {
    const idem = randomUUID();
    expect((await t.rest.post('/things', { headers: headers(idem), body: { name: 'Widget' } })).status).toBe(201);
    t.gateway.setResponder(() => ({ status: 401, body: { errors: [{ message: 'A valid API key is required', extensions: { code: 'UNAUTHENTICATED' } }] } }));
    const replay = await t.rest.post('/things', { headers: headers(idem), body: { name: 'Widget' } });
    expect(replay.status).toBe(401);
    expect(replay.body).toEqual({ error: 'invalid_token' });
  });

  it('replays a token-bearing answer to the same caller while storing no plaintext token', async () => {
    const idem = randomUUID();
    const first = await t.rest.post('/tokens', { headers: headers(idem), body: { name: 'Acme' } });
    const again = await t.rest.post('/tokens', { headers: headers(idem), body: { name: 'Acme' } });
    expect(again.body).toEqual({ token: JWT });
    expect(again.text).toBe(first.text);
    expect(created()).toHaveLength(1);
    const dump = (await pool.query<{ t: string }>('select string_agg(i::text, E\'\\n\') as t from edge.idempotency i')).rows[0]!.t;
    expect(dump).not.toContain(JWT);
    expect(dump).not.toContain(idem);
    expect(dump).not.toContain(apiKey);
    expect(dump).not.toContain('Acme');
  });

  it('rejects a malformed Idempotency-Key as invalid_input', async () => {
    const res = await t.rest.post('/things', { headers: headers('has spaces in it'), body: { name: 'Widget' } });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
    expect((await t.rest.post('/things', { headers: headers('x'.repeat(256)), body: { name: 'Widget' } })).status).toBe(400);
    expect(created()).toHaveLength(0);
  });

  it('forgets a key after its time: an expired record runs the request again', async () => {
    const idem = randomUUID();
    await t.rest.post('/things', { headers: headers(idem), body: { name: 'Widget' } });
    await pool.query(`update edge.idempotency set expires_at = now() - interval '1 second'`);
    const later = await t.rest.post('/things', { headers: headers(idem), body: { name: 'Gadget' } });
    expect(later.status).toBe(201);
    expect(created()).toHaveLength(2);
  });

  it('takes over the key of a request whose process died (its lease ran out)', async () => {
    const settings = { ttlHours: 24, waitMs: 0, leaseMs: 300 };
    const dying = await IdempotencyStore.open(pool, t.secret, settings, createLogger('test', 'silent'));
    const store = await IdempotencyStore.open(pool, t.secret, settings, createLogger('test', 'silent'));
    try {
      const fp = fingerprintOf('post', '/things', {}, {}, { name: 'x' });
      const crashed = await dying.begin('key\nmaterial', 'lease-test', fp);
      expect(crashed.kind).toBe('run');
      expect((await store.begin('key\nmaterial', 'lease-test', fp)).kind).toBe('busy');
      dying.close(); // its process stops: the lease is no longer renewed, nothing completes or releases
      const takeover = await eventually(async () => {
        const claim = await store.begin('key\nmaterial', 'lease-test', fp);
        return claim.kind === 'run' ? claim : null;
      }, 5000, 'the abandoned claim being taken over');
      await takeover.complete({ status: 201, contentType: 'application/json', body: '{"id":"new"}' });
      const replay = await store.begin('key\nmaterial', 'lease-test', fp);
      expect(replay).toEqual({ kind: 'replay', answer: { status: 201, contentType: 'application/json', body: '{"id":"new"}' } });
    } finally {
      dying.close();
      store.close();
    }
  });
});
