import { Writable } from 'node:stream';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database.js';
import { eventually } from '../../test/support/graphql.js';
import { EdgeRateLimiter, rateLimitedResponse, rateLimitHeaders } from './rate-limit.js';

const quiet = pino({ level: 'silent' });
let keyCounter = 0;
const freshKey = (): string => `test-${process.pid}-${++keyCounter}-${Date.now()}`;

describe('edge rate limiter on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase('rate_limit');
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('shares one burst between two replicas: exactly the burst admitted, then 429 with a retry in seconds', async () => {
    const [a, b] = await Promise.all([1, 2].map(() => EdgeRateLimiter.open({ pool }, { burstPerSecond: 10, perMinute: 60 }, quiet)));
    const key = freshKey();
    const decisions = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a! : b!).consume(key)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    const refused = decisions.filter((d) => !d.allowed);
    expect(refused).toHaveLength(20);
    for (const d of refused) {
      expect(d.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(d.retryAfterSeconds).toBeLessThanOrEqual(1);
      expect(d).toMatchObject({ limit: 10, remaining: 0, degraded: false, policy: '10;w=1, 60;w=60' });
    }
    expect((await a!.consume(freshKey())).allowed).toBe(true);
    const table = await pool.query<{ relpersistence: string }>(`select relpersistence from pg_class where oid = 'edge.rate_limit'::regclass`);
    expect(table.rows[0]!.relpersistence).toBe('u');
  });

  it('counts only admitted requests towards the minute, and names the minute window when it binds', async () => {
    const limiter = await EdgeRateLimiter.open({ pool }, { burstPerSecond: 3, perMinute: 5 }, quiet);
    const key = freshKey();
    const first = await Promise.all(Array.from({ length: 8 }, () => limiter.consume(key)));
    expect(first.filter((d) => d.allowed)).toHaveLength(3);
    // The next second's burst: only 2 of the minute's 5 are left.
    await eventually(async () => (await limiter.consume(key)).allowed, 3000, 'the burst window to reopen');
    const second = await limiter.consume(key);
    expect(second).toMatchObject({ allowed: true, limit: 5, remaining: 0 });
    const refused = await limiter.consume(key);
    expect(refused).toMatchObject({ allowed: false, limit: 5, remaining: 0 });
    expect(refused.retryAfterSeconds).toBeGreaterThan(1);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('reports the window with the fewest requests left in the RateLimit headers', async () => {
    const limiter = await EdgeRateLimiter.open({ pool }, { burstPerSecond: 10, perMinute: 60 }, quiet);
    const d = await limiter.consume(freshKey(), 3);
    expect(d).toMatchObject({ allowed: true, limit: 10, remaining: 7 });
    expect(rateLimitHeaders(d)).toEqual({ 'RateLimit-Limit': '10', 'RateLimit-Remaining': '7', 'RateLimit-Reset': '1', 'RateLimit-Policy': '10;w=1, 60;w=60' });
  });

  it('falls back to per-replica limits from memory when the store fails, and logs it once', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const broken = new pg.Pool({ connectionString: db.url, max: 1 });
    const limiter = await EdgeRateLimiter.open({ pool: broken }, { burstPerSecond: 2, perMinute: 60 }, log);
    await broken.end();
    const key = freshKey();
    const decisions = await Promise.all(Array.from({ length: 5 }, () => limiter.consume(key)));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, false, false, false]);
    expect(decisions.every((d) => d.degraded)).toBe(true);
    expect(limiter.degradedDecisions).toBeGreaterThanOrEqual(5);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 50, msg: expect.stringMatching(/rate limiter store failed/) });
  });
});

describe('a refused decision as an HTTP answer', () => {
  const refused = { allowed: false, limit: 10, remaining: 0, resetSeconds: 1, retryAfterSeconds: 1, policy: '10;w=1, 60;w=60', degraded: false };

  it('is a GraphQL error with RATE_LIMITED and retry_after_seconds, 429 and Retry-After', () => {
    const r = rateLimitedResponse(refused, 'graphql');
    expect(r.status).toBe(429);
    expect(r.headers).toMatchObject({ 'Retry-After': '1', 'RateLimit-Limit': '10', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '1' });
    expect(JSON.parse(r.body)).toEqual({
      errors: [{ message: 'Rate limit exceeded: retry after 1 s (limits: 10 per second, 60 per minute)', extensions: { code: 'RATE_LIMITED', retry_after_seconds: 1 } }],
    });
  });

  it('is the REST APIs\' rate_limited error in their shape', () => {
    const r = rateLimitedResponse({ ...refused, retryAfterSeconds: 42, resetSeconds: 42, limit: 60 }, 'rest');
    expect(r.headers['Retry-After']).toBe('42');
    expect(JSON.parse(r.body)).toMatchObject({ error: 'rate_limited', retry_after_seconds: 42 });
  });
});
