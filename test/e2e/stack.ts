import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Stack } from '../../cli/stack.js';
import { createLogger } from '../../lib/logger.js';
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
