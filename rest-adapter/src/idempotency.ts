import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from '../../lib/logger.js';

/** A stored answer, replayed as it was first sent. */
export interface StoredAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** What a POST with an Idempotency-Key does next. */
export type IdempotencyClaim =
  /** First of its key (or taking over an abandoned one): run the handler, then complete or release. */
  | { kind: 'run'; complete(answer: StoredAnswer): Promise<void>; release(): Promise<void> }
  /** The key already holds an answer for the same request: send it again. */
  | { kind: 'replay'; answer: StoredAnswer }
  /** The key was used with another request (409). */
  | { kind: 'mismatch' }
  /** The key's first request is still running after the wait (409; retry later). */
  | { kind: 'busy' };

export interface IdempotencySettings {
  ttlHours: number;
  /** Longest wait for the key's first request to finish before answering busy. */
  waitMs: number;
  /** A running claim not renewed for this long is abandoned (its process died): taken over. */
  leaseMs?: number;
}

const SCHEMA = 'edge';
const TABLE = 'idempotency';
const SWEEP_INTERVAL_MS = 10 * 60_000;

/**
 * Idempotency-Key records in PostgreSQL, shared by every adapter replica.
 *
 * A record is keyed by an HMAC (INTERNAL_TOKEN_SECRET) of the caller's credential and the key, so
 * keys are per credential and neither is stored. Only successful answers are kept (a failure frees
 * the key, so a retry runs again: nothing was created). Every kept answer is sealed with
 * AES-256-GCM under a key derived from the secret, the credential and the Idempotency-Key: a
 * `/clients/register` answer (its client token is shown once) replays to the caller presenting
 * the same credential and key, while the table holds ciphertext that neither a database dump nor
 * the secret alone opens.
 *
 * Concurrent requests with one key: the first inserts a running record; the others wait for it
 * (polling, up to `waitMs`) and replay its answer, or get `busy` (409). A running record carries a
 * lease its owner renews, so a crashed replica's key is taken over instead of staying locked.
 */
export class IdempotencyStore {
  private readonly sweeper: NodeJS.Timeout;
  private readonly leaseMs: number;
  /** Lease renewals of the claims running now; stopped on close (their keys are then taken over). */
  private readonly renewals = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly secret: string,
    private readonly settings: IdempotencySettings,
    private readonly log: Logger,
  ) {
    this.leaseMs = settings.leaseMs ?? 30_000;
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  /** Creates the table when missing, under an advisory lock (replicas may start together). */
  static async open(pool: pg.Pool, secret: string, settings: IdempotencySettings, log: Logger): Promise<IdempotencyStore> {
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [`${SCHEMA}.${TABLE}`]);
      await client.query(`create schema if not exists ${SCHEMA}`);
      await client.query(
        `create table if not exists ${SCHEMA}.${TABLE} (
           id text primary key,
           fingerprint text not null,
           owner uuid,
           status integer,
           sealed bytea,
           lease_until timestamptz not null,
           created_at timestamptz not null default now(),
           expires_at timestamptz not null)`,
      );
      await client.query(`create index if not exists idempotency_expires_at on ${SCHEMA}.${TABLE} (expires_at)`);
      await client.query('commit');
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    return new IdempotencyStore(pool, secret, settings, log);
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const renew of this.renewals) clearInterval(renew);
    this.renewals.clear();
  }

  /** `material`: the caller's credentials (credentials.ts); `fingerprint`: what the request asks (fingerprintOf). */
  async begin(material: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    const id = this.derive('id', material, key).toString('hex');
    const sealKey = this.derive('seal', material, key);
    const deadline = Date.now() + this.settings.waitMs;
    let pause = 25;
    for (;;) {
      await this.pool.query(`delete from ${SCHEMA}.${TABLE} where id = $1 and expires_at < now()`, [id]);
      const owner = randomUUID();
      const inserted = await this.pool.query(
        `insert into ${SCHEMA}.${TABLE} (id, fingerprint, owner, lease_until, expires_at)
         values ($1, $2, $3, now() + make_interval(secs => $4), now() + make_interval(hours => $5))
         on conflict (id) do nothing`,
        [id, fingerprint, owner, this.leaseMs / 1000, this.settings.ttlHours],
      );
      if (inserted.rowCount === 1) return this.running(id, owner, sealKey);
      const { rows } = await this.pool.query<{ fingerprint: string; status: number | null; sealed: Buffer | null; abandoned: boolean }>(
        `select fingerprint, status, sealed, lease_until < now() as abandoned from ${SCHEMA}.${TABLE} where id = $1`,
        [id],
      );
      const row = rows[0];
      if (!row) continue; // freed (a failure) or expired between the two statements: claim again
      if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (row.status !== null && row.sealed) return { kind: 'replay', answer: unseal(sealKey, id, row.sealed) };
      if (row.abandoned) {
        const taken = await this.pool.query(
          `update ${SCHEMA}.${TABLE} set owner = $2, lease_until = now() + make_interval(secs => $3)
            where id = $1 and status is null and lease_until < now()`,
          [id, owner, this.leaseMs / 1000],
        );
        if (taken.rowCount === 1) return this.running(id, owner, sealKey);
      }
      if (Date.now() + pause > deadline) return { kind: 'busy' };
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 250);
    }
  }

  private running(id: string, owner: string, sealKey: Buffer): IdempotencyClaim {
    // Renewed while the handler runs, so a slow request is not mistaken for an abandoned one.
    const renew = setInterval(() => {
      this.pool
        .query(`update ${SCHEMA}.${TABLE} set lease_until = now() + make_interval(secs => $3) where id = $1 and owner = $2 and status is null`, [id, owner, this.leaseMs / 1000])
        .catch((err: Error) => this.log.warn({ err: err.message }, 'idempotency lease renewal failed'));
    }, this.leaseMs / 3);
    renew.unref();
    this.renewals.add(renew);
    const stop = (): void => {
      clearInterval(renew);
      this.renewals.delete(renew);
    };
    return {
      kind: 'run',
      complete: async (answer) => {
        stop();
        await this.pool.query(`update ${SCHEMA}.${TABLE} set status = $3, sealed = $4 where id = $1 and owner = $2`, [id, owner, answer.status, seal(sealKey, id, answer)]);
      },
      release: async () => {
        stop();
        await this.pool.query(`delete from ${SCHEMA}.${TABLE} where id = $1 and owner = $2 and status is null`, [id, owner]);
      },
    };
  }

  private derive(purpose: 'id' | 'seal', material: string, key: string): Buffer {
    return createHmac('sha256', this.secret).update(`fixfirst idempotency ${purpose} v1\n${material}\n${key}`).digest();
  }

  private async sweep(): Promise<void> {
    try {
      await this.pool.query(`delete from ${SCHEMA}.${TABLE} where expires_at < now()`);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'idempotency sweep failed');
    }
  }
}

/** What makes two requests "the same": method, route, path parameters, query and the body's JSON. */
export function fingerprintOf(method: string, routePath: string, params: unknown, query: unknown, body: unknown): string {
  return createHash('sha256').update(JSON.stringify([method, routePath, canonical(params), canonical(query), canonical(body)])).digest('hex');
}

/** JSON with object keys sorted, so key order does not make a body "another body". */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value ?? null;
}

function seal(key: Buffer, id: string, answer: StoredAnswer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(id));
  const text = Buffer.concat([cipher.update(JSON.stringify(answer), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), text]);
}

function unseal(key: Buffer, id: string, sealed: Buffer): StoredAnswer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAAD(Buffer.from(id));
  decipher.setAuthTag(sealed.subarray(12, 28));
  return JSON.parse(Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8')) as StoredAnswer;
}
