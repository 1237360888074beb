import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Stack } from '../cli/stack.js';
import { IdentitySigner } from '../lib/auth/identity.js';
import { hashCredential } from '../lib/auth/api-key.js';
import { createLogger } from '../lib/logger.js';
import { freePort } from '../lib/net/free-port.js';
import { REPO_ROOT } from '../lib/paths.js';
import { seedTenant } from '../test/factories/tenant.js';
import { ALL_SECURITY_HEADERS, startLabTarget } from '../test/lab/lab-target.js';
import { edgeBench } from './edge.bench.js';
import { findingPagesBench } from './finding-pages.bench.js';
import { reportBench } from './report.bench.js';
import { restBench } from './rest.bench.js';
import { scheduleBench } from './schedule.bench.js';
import { intelSyncBench } from './intel-sync.bench.js';
import { labScanBench } from './lab-scan.bench.js';
import { CONNECTIONS, DURATION, graphqlPost, load } from './load.js';
import { portScanBench } from './port-scan.bench.js';

/**
 * `npm run bench`: numbers and ratios measured in one run on this machine; nothing is asserted.
 *  1. The same query through the gateway (cross-subgraph) and direct to the scans subgraph (its own fields).
 *  2. `npm start` to ready, cold (empty DATA_DIR) and warm.
 *  3. TCP connect scan of 1,000 loopback ports: ours against `nmap -sT -T4`, same ports.
 *  4. Standard-profile active scans of the lab with one worker: wall time, requests, scans/minute.
 *  5. A full intel sync of ../shared/data: time and peak memory.
 *  6. Findings pages (BENCH_ONLY=pages): first page vs the page after 500,000 of 1,000,000 findings, keyset and OFFSET.
 *  7. The edge (BENCH_ONLY=edge): authentication, rate-limit and scope work added per request, and
 *     rate-limiter decisions per second on PostgreSQL.
 *  8. The REST adapter (BENCH_ONLY=rest): GET /api/v1/scans/{id} against the same GraphQL query
 *     sent straight to the gateway.
 *  9. Reports (BENCH_ONLY=report): the technical report of 500 findings as HTML through the route,
 *     and as PDF where CHROMIUM_PATH names a Chromium.
 * 10. Schedulers (BENCH_ONLY=schedule): 5,000 schedules due at once claimed by one and by four
 *     schedulers, against writing the same run rows in one set-based INSERT.
 */
const log = createLogger('bench', 'warn');

async function gatewayVersusDirect(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-bench-'));
  const lab = await startLabTarget({ headers: { server: 'bench' } });
  const hardened = await startLabTarget({ headers: ALL_SECURITY_HEADERS });
  const stack = await Stack.start({
    dataDir,
    embeddedPort: await freePort(),
    workers: 1,
    output: path.join(dataDir, 'services.log'),
    log,
    // Throughput is the point here: the edge rate limit (10/s per key) is measured in edgeBench.
    env: { LOG_LEVEL: 'warn', SCAN_ALLOW_CIDRS: '127.0.0.0/8', DEFAULT_CLIENT_TIER: 'enterprise', RATE_LIMIT_ENABLED: 'false' },
  });
  try {
    const tenant = await seedTenant(stack.databaseUrl);
    const key = { 'x-api-key': tenant.apiKey };
    for (let i = 0; i < 10; i++) {
      const res = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...key },
        body: JSON.stringify({
          query: `mutation($i: CreateScanInput!) { createScan(input: $i) { id } }`,
          variables: { i: { target: (i % 2 ? lab : hardened).url, targetType: 'URL', clientName: `Client ${i % 3}` } },
        }),
      });
      if (!res.ok) throw new Error(`seeding failed: ${await res.text()}`);
    }
    const viaGateway = `{ scans(first: 10) { edges { node { id status target findingsSummary { total high medium low } client { id name } } } } }`;
    const direct = `{ scans(first: 10) { edges { node { id status target client { id } } } } }`;
    const identity = await new IdentitySigner(stack.secret, 3600).sign({
      accountId: tenant.accountId,
      clientId: null,
      scopes: ['scans:read'],
      credentialId: 'bench',
      credentialHash: hashCredential(tenant.apiKey),
    });
    // warm-up, then measure both in the same run
    await load('warm-up', graphqlPost(stack.gatewayUrl, key, viaGateway));
    const gw = await load('gateway: scans + findingsSummary + client (3 subgraphs)', graphqlPost(stack.gatewayUrl, key, viaGateway));
    const sg = await load('scans subgraph direct: its own fields', graphqlPost(stack.subgraphUrl('scans'), { 'x-fixfirst-identity': identity }, direct));
    console.log('\n## Gateway versus subgraph direct');
    console.log(`duration ${DURATION}s each, ${CONNECTIONS} connections, ${os.cpus().length} cores`);
    for (const r of [gw, sg]) {
      console.log(`${r.name.padEnd(58)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors}  non-2xx ${r.non2xx}`);
    }
    console.log(`ratio gateway/direct req/s: ${(gw.rps / sg.rps).toFixed(2)}   p50 ratio: ${(gw.p50 / Math.max(sg.p50, 0.001)).toFixed(2)}`);
  } finally {
    await stack.stop();
    await lab.close();
    await hardened.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Runs `npm start`'s entry point and times it until it prints that it is ready, then Ctrl-C. */
async function timeToReady(dataDir: string): Promise<number> {
  const ports = { GATEWAY_PORT: await freePort(), SCANS_PORT: await freePort(), FINDINGS_PORT: await freePort(), CLIENTS_PORT: await freePort(), BILLING_PORT: await freePort(), EMBEDDED_PG_PORT: await freePort(), REST_PORT: await freePort() };
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli', 'start-all.js')], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  let out = '';
  const ms = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`start-all not ready within 120 s:\n${out.slice(-3000)}`)), 120_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('fixfirst is ready')) {
        clearTimeout(timer);
        resolve(performance.now() - started);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`start-all exited (${code}) before ready:\n${out.slice(-3000)}`));
    });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  child.kill('SIGINT');
  await exited;
  return ms;
}

async function startupTimes(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-bench-start-'));
  try {
    const cold = await timeToReady(dataDir);
    const warm = await timeToReady(dataDir);
    console.log('\n## npm start to ready');
    console.log(`cold (empty DATA_DIR: initdb, migrations, bootstrap): ${cold.toFixed(0)} ms`);
    console.log(`warm (existing DATA_DIR):                            ${warm.toFixed(0)} ms`);
    console.log(`ratio cold/warm: ${(cold / warm).toFixed(2)}`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

const only = process.env.BENCH_ONLY?.split(',');
const want = (name: string): boolean => !only || only.includes(name);
if (want('gateway')) await gatewayVersusDirect();
if (want('startup')) await startupTimes();
if (want('ports')) await portScanBench();
if (want('lab')) await labScanBench();
if (want('intel')) await intelSyncBench();
if (want('pages')) await findingPagesBench();
if (want('edge')) await edgeBench();
if (want('rest')) await restBench();
if (want('report')) await reportBench();
if (want('schedule')) await scheduleBench();
