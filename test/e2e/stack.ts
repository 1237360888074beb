import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Stack } from '../../cli/stack.js';
import { createLogger } from '../../lib/logger.js';
import { freePort, waitForHttpOk } from '../../lib/net/free-port.js';
import { REPO_ROOT } from '../../lib/paths.js';
import { createTestDatabase } from '../support/database.js';
import { assertNoTokens, auditLog } from '../support/token-audit.js';

export interface TestStack {
  stack: Stack;
  databaseUrl: string;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * The whole platform as separate OS processes (four subgraphs, gateway, workers) on this test
 * file's own database, allowed to scan loopback only. Logs go to a file named in failures.
 */
export async function startTestStack(label: string, opts: { workers?: number; env?: Record<string, string> } = {}): Promise<TestStack> {
  const db = await createTestDatabase(label);
  const dir = await mkdtemp(path.join(os.tmpdir(), `fixfirst-${label}-`));
  const logFile = path.join(dir, 'services.log');
  const stack = await Stack.start({
    databaseUrl: db.url,
    dataDir: dir,
    workers: opts.workers ?? 1,
    output: logFile,
    log: createLogger('test-stack', 'warn'),
    env: {
      LOG_LEVEL: 'info',
      SCAN_ALLOW_CIDRS: '127.0.0.0/8',
      DEFAULT_CLIENT_TIER: 'enterprise',
      SCAN_FETCH_TIMEOUT_MS: '5000',
      // Limits on but out of reach: tests poll and share one key per tenant (edge-limits tests set their own).
      RATE_LIMIT_BURST_PER_SECOND: '100000',
      RATE_LIMIT_PER_MINUTE: '1000000',
      ...opts.env,
    },
  });
  return {
    stack,
    databaseUrl: db.url,
    logFile,
    stop: async () => {
      await stack.stop();
      const inLog = await auditLog(logFile);
      await db.drop(); // audits the database
      assertNoTokens(inLog);
    },
  };
}

/**
 * Another gateway replica of a test stack, as an operator scales out: its own OS process through
 * the same CLI entry point, on the stack's database and subgraphs, listening on `host`. Its log is
 * audited for credentials when it stops. `env` must repeat what the stack was given that the
 * gateway reads (CLIENT_TOKEN_SECRET, RATE_LIMIT_*).
 */
export async function startGatewayReplica(t: TestStack, host: string, env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort(host);
  const logFile = path.join(path.dirname(t.logFile), `gateway-${port}.log`);
  const out = createWriteStream(logFile);
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli', 'start-service.js'), 'gateway'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...env,
      DATABASE_URL: t.databaseUrl,
      INTERNAL_TOKEN_SECRET: t.stack.secret,
      MIGRATE_ON_BOOT: 'false',
      LOG_LEVEL: 'info',
      HOST: host,
      GATEWAY_PORT: String(port),
      SCANS_URL: t.stack.subgraphUrl('scans'),
      FINDINGS_URL: t.stack.subgraphUrl('findings'),
      CLIENTS_URL: t.stack.subgraphUrl('clients'),
      BILLING_URL: t.stack.subgraphUrl('billing'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    assertNoTokens(await auditLog(logFile));
  };
  try {
    await waitForHttpOk(`http://${host}:${port}/healthz`, 60_000, () => child.exitCode === null);
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return { url: `http://${host}:${port}/graphql`, stop };
}
