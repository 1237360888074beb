import { z } from 'zod';
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { count, flag } from '../config/env.js';
import type { Logger } from '../logger.js';

/** The two windows every edge (gateway, REST adapter) enforces per credential. */
export interface RateLimitSettings {
  burstPerSecond: number;
  perMinute: number;
}

/** Where the shared counters live: one small table of its own, created at start. */
export interface RateLimitStore {
  pool: pg.Pool;
  schema?: string;
  table?: string;
  /** Separates the counters of different edges sharing the table (default `edge`). */
  keyPrefix?: string;
  /** Longest wait for the database before the in-memory fallback decides (default 1000 ms). */
  decisionTimeoutMs?: number;
}

/** The answer for one request, with what the RateLimit-* headers report. */
export interface RateLimitDecision {
  allowed: boolean;
  /** Quota of the window that binds now: the refusing one, else the one with fewest left. */
  limit: number;
  remaining: number;
  /** Seconds until that window resets. */
  resetSeconds: number;
  /** Seconds to wait before retrying; 0 when allowed. */
  retryAfterSeconds: number;
  /** Every window, as `10;w=1, 60;w=60`. */
  policy: string;
  /** Decided by this replica's in-memory fallback because the shared store failed. */
  degraded: boolean;
}

interface Window {
  name: string;
  shared: RateLimiterAbstract;
  fallback: RateLimiterMemory;
  points: number;
}

interface WindowResult {
  allowed: boolean;
  res: RateLimiterRes;
  degraded: boolean;
}

export const DEFAULT_RATE_LIMIT_SCHEMA = 'edge';
export const DEFAULT_RATE_LIMIT_TABLE = 'rate_limit';
/** Store failures are logged at most this often per replica, so an outage does not flood the log. */
const FAILURE_LOG_INTERVAL_MS = 10_000;

/**
 * Fixed-window limits per key (the SHA-256 of a credential, or `ip:<address>`), counted in
 * PostgreSQL so every replica shares them. Only admitted requests count towards the minute: the
 * second window is consulted after the burst window admits, so a client hammering at 100 req/s
 * still gets its 60 per minute, spread as 10 per second.
 *
 * On a store error or timeout the limiter neither fails open nor closed: this replica decides with
 * an in-memory limiter of the same limits (logged as an error), so an outage of the counters can
 * neither lock every tenant out nor lift the limits; with N replicas a caller gets at most N times
 * the budget until the store answers again. (Authentication needs the same database, so a full
 * outage already answers 503 before the limiter is asked.)
 */
export class EdgeRateLimiter {
  private lastFailureLog = 0;
  /** Decisions taken by the fallback since start (tests and operators read it). */
  degradedDecisions = 0;

  private constructor(
    private readonly windows: Window[],
    private readonly log: Logger,
    private readonly decisionTimeoutMs: number,
  ) {}

  /** Creates the counter table when missing (idempotent; safe with replicas starting together). */
  static async open(store: RateLimitStore, settings: RateLimitSettings, log: Logger): Promise<EdgeRateLimiter> {
    const schema = store.schema ?? DEFAULT_RATE_LIMIT_SCHEMA;
    const table = store.table ?? DEFAULT_RATE_LIMIT_TABLE;
    await ensureTable(store.pool, schema, table);
    const prefix = store.keyPrefix ?? 'edge';
    const window = (name: string, points: number, duration: number): Window => {
      const common = { keyPrefix: `${prefix}-${name}`, points, duration };
      const shared = new RateLimiterPostgres({
        ...common,
        storeClient: store.pool,
        storeType: 'pool',
        schemaName: schema,
        tableName: table,
        tableCreated: true,
        // Once a key has used its window, this replica refuses it from memory until the window
        // ends: a flood from one key costs one database write per replica per window, not one per request.
        inMemoryBlockOnConsumed: points,
      });
      return { name, shared, fallback: new RateLimiterMemory(common), points };
    };
    return new EdgeRateLimiter(
      [window('burst', settings.burstPerSecond, 1), window('minute', settings.perMinute, 60)],
      log,
      store.decisionTimeoutMs ?? 1000,
    );
  }

  /** Counts `points` requests (a batch counts each operation) against every window of `key`. */
  async consume(key: string, points = 1): Promise<RateLimitDecision> {
    const results: { window: Window; result: WindowResult }[] = [];
    for (const window of this.windows) {
      const result = await this.consumeWindow(window, key, points);
      results.push({ window, result });
      if (!result.allowed) break;
    }
    return decide(results, this.policy());
  }

  private policy(): string {
    return this.windows.map((w) => `${w.points};w=${w.name === 'burst' ? 1 : 60}`).join(', ');
  }

  private async consumeWindow(window: Window, key: string, points: number): Promise<WindowResult> {
    try {
      return { allowed: true, res: await withTimeout(window.shared.consume(key, points), this.decisionTimeoutMs), degraded: false };
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) return { allowed: false, res: outcome, degraded: false };
      this.noteFailure(window, outcome);
      try {
        return { allowed: true, res: await window.fallback.consume(key, points), degraded: true };
      } catch (fallbackOutcome) {
        if (fallbackOutcome instanceof RateLimiterRes) return { allowed: false, res: fallbackOutcome, degraded: true };
        throw fallbackOutcome;
      }
    }
  }

  private noteFailure(window: Window, err: unknown): void {
    this.degradedDecisions++;
    const now = Date.now();
    if (now - this.lastFailureLog < FAILURE_LOG_INTERVAL_MS) return;
    this.lastFailureLog = now;
    this.log.error(
      { err: err instanceof Error ? err.message : String(err), window: window.name, degradedDecisions: this.degradedDecisions },
      'rate limiter store failed; this replica limits from memory until it answers',
    );
  }
}

function decide(results: { window: Window; result: WindowResult }[], policy: string): RateLimitDecision {
  const degraded = results.some((r) => r.result.degraded);
  const refused = results.find((r) => !r.result.allowed);
  if (refused) {
    const wait = Math.max(1, Math.ceil(refused.result.res.msBeforeNext / 1000));
    return { allowed: false, limit: refused.window.points, remaining: 0, resetSeconds: wait, retryAfterSeconds: wait, policy, degraded };
  }
  // The binding window is the one with the fewest requests left; on a tie, the one resetting last.
  const binding = results.reduce((a, b) =>
    b.result.res.remainingPoints < a.result.res.remainingPoints ||
    (b.result.res.remainingPoints === a.result.res.remainingPoints && b.result.res.msBeforeNext > a.result.res.msBeforeNext)
      ? b
      : a,
  );
  return {
    allowed: true,
    limit: binding.window.points,
    remaining: binding.result.res.remainingPoints,
    resetSeconds: Math.max(0, Math.ceil(binding.result.res.msBeforeNext / 1000)),
    retryAfterSeconds: 0,
    policy,
    degraded,
  };
}

/** The IETF draft headers (RateLimit-Limit / -Remaining / -Reset in seconds, plus -Policy). */
export function rateLimitHeaders(d: RateLimitDecision): Record<string, string> {
  const headers: Record<string, string> = {
    'RateLimit-Limit': String(d.limit),
    'RateLimit-Remaining': String(d.remaining),
    'RateLimit-Reset': String(d.resetSeconds),
    'RateLimit-Policy': d.policy,
  };
  if (!d.allowed) headers['Retry-After'] = String(d.retryAfterSeconds);
  return headers;
}

/** The GraphQL error of a refused decision (also sent to a WebSocket operation). */
export function rateLimitedError(d: RateLimitDecision): { message: string; extensions: { code: 'RATE_LIMITED'; retry_after_seconds: number } } {
  const limits = d.policy.replace(/;w=1\b/, ' per second').replace(/;w=60\b/, ' per minute');
  return {
    message: `Rate limit exceeded: retry after ${d.retryAfterSeconds} s (limits: ${limits})`,
    extensions: { code: 'RATE_LIMITED', retry_after_seconds: d.retryAfterSeconds },
  };
}

/**
 * A refused decision as a complete HTTP answer: 429, the headers, and the body in the edge's own
 * shape: GraphQL `{ errors: [{ message, extensions: { code: RATE_LIMITED, retry_after_seconds } }] }`
 * or the REST APIs' `{ error: "rate_limited", message, retry_after_seconds }`.
 */
export function rateLimitedResponse(d: RateLimitDecision, shape: 'graphql' | 'rest'): { status: 429; headers: Record<string, string>; body: string } {
  const error = rateLimitedError(d);
  const body = shape === 'graphql' ? { errors: [error] } : { error: 'rate_limited', message: error.message, retry_after_seconds: d.retryAfterSeconds };
  return { status: 429, headers: { 'content-type': 'application/json; charset=utf-8', ...rateLimitHeaders(d) }, body: JSON.stringify(body) };
}

/** Creates the schema and table under an advisory lock, so replicas booting together do not race. */
async function ensureTable(pool: pg.Pool, schema: string, table: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema) || !/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`invalid rate limit table name ${schema}.${table}`);
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [`${schema}.${table}`]);
    await client.query(`create schema if not exists "${schema}"`);
    // Unlogged: counters live seconds to a minute; losing them in a crash is harmless, and the
    // write-ahead log is spared one record per request. Fillfactor leaves room for HOT updates.
    await client.query(
      `create unlogged table if not exists "${schema}"."${table}" (key varchar(255) primary key, points integer not null default 0, expire bigint) with (fillfactor = 70)`,
    );
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Rate limits at the edge (the gateway, and the REST adapter for its requests), per SHA-256 of the
 * credential (per client address for requests without a valid one), shared by every replica
 * through the database.
 */
export const rateLimitEnv = z.object({
  RATE_LIMIT_ENABLED: flag('true'),
  RATE_LIMIT_BURST_PER_SECOND: count(1, 1_000_000, 10),
  RATE_LIMIT_PER_MINUTE: count(1, 10_000_000, 60),
});
