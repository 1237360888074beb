import { readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type autocannon from 'autocannon';
import { Stack } from '../cli/stack.js';
import { createLogger } from '../lib/logger.js';
import { freePort } from '../lib/net/free-port.js';
import { OPERATIONS_DIR } from '../rest-adapter/src/operations.js';
import { seedTenant } from '../test/factories/tenant.js';
import { CONNECTIONS, DURATION, load } from './load.js';

const log = createLogger('bench', 'warn');

/**
 * The REST adapter's cost (`npm run bench`, BENCH_ONLY=rest): `GET /api/v1/scans/{id}` through the
 * adapter against the very GraphQL document it runs (GetScan) sent straight to the gateway, with
 * the same credential, in the same run. Rate limits are off: throughput is the point (the limiter's
 * cost is measured by edgeBench). Goal: the adapter within 1.2× of the gateway.
 */
export async function restBench(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-bench-rest-'));
  const stack = await Stack.start({
    dataDir,
    embeddedPort: await freePort(),
    workers: 0,
    output: path.join(dataDir, 'services.log'),
    log,
    env: { LOG_LEVEL: 'warn', SCAN_ALLOW_CIDRS: '127.0.0.0/8', DEFAULT_CLIENT_TIER: 'enterprise', RATE_LIMIT_ENABLED: 'false' },
  });
  try {
    const tenant = await seedTenant(stack.databaseUrl);
    const auth = { authorization: `Bearer ${tenant.apiKey}` };
    const created = await fetch(`${stack.restUrl}/api/v1/scans`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ target: 'http://127.0.0.94:9/' }),
    });
    if (!created.ok) throw new Error(`creating the scan failed: ${created.status} ${await created.text()}`);
    const { id } = (await created.json()) as { id: string };
    const query = await readFile(path.join(OPERATIONS_DIR, 'GetScan.graphql'), 'utf8');
    const viaRest: autocannon.Options = { url: `${stack.restUrl}/api/v1/scans/${id}`, method: 'GET', headers: auth };
    const direct: autocannon.Options = {
      url: stack.gatewayUrl,
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables: { id } }),
    };
    // Warm both paths (JIT, connection pools, the gateway's plan cache), then measure each.
    await load('warm-up', { ...viaRest, duration: 2 });
    await load('warm-up', { ...direct, duration: 2 });
    const gw = await load('gateway: GetScan document (GraphQL)', direct);
    const rest = await load('REST adapter: GET /api/v1/scans/{id}', viaRest);
    console.log('\n## REST adapter versus the gateway');
    console.log(`duration ${DURATION}s each, ${CONNECTIONS} connections, ${os.cpus().length} cores`);
    for (const r of [gw, rest]) {
      console.log(`${r.name.padEnd(44)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors}  non-2xx ${r.non2xx}`);
    }
    const overhead = gw.rps / Math.max(rest.rps, 0.001);
    console.log(
      `adapter overhead (gateway req/s ÷ adapter req/s): ${overhead.toFixed(2)}× (goal ≤ 1.2×)   p50 ratio: ${(rest.p50 / Math.max(gw.p50, 0.001)).toFixed(2)}   p99 ratio: ${(rest.p99 / Math.max(gw.p99, 0.001)).toFixed(2)}`,
    );
  } finally {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
