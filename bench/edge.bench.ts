import type { IncomingMessage } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { parse } from 'graphql';
import pg from 'pg';
import { Stack } from '../cli/stack.js';
import { Authenticator } from '../gateway/src/authenticator.js';
import { missingScopes } from '../gateway/src/scope-rules.js';
import { openModuleOrm } from '../lib/db/orm.js';
import { EdgeRateLimiter } from '../lib/http/rate-limit.js';
import { createLogger } from '../lib/logger.js';
import { freePort } from '../lib/net/free-port.js';
import { clientsDb } from '../subgraphs/clients/src/module.js';
import { seedTenant } from '../test/factories/tenant.js';

const SECONDS = Number(process.env.BENCH_EDGE_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const LIMITER_CONCURRENCY = Number(process.env.BENCH_LIMITER_CONCURRENCY ?? 32);
const QUERY = '{ me { scopes } }';
const log = createLogger('bench', 'warn');

interface Timing {
  p50: number;
  p99: number;
  n: number;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const timing = (samples: number[]): Timing => {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), n: s.length };
};
const ms = (t: Timing): string => `p50 ${t.p50.toFixed(2)} ms  p99 ${t.p99.toFixed(2)} ms  (${t.n} samples)`;

/** Runs `task` from `concurrency` loops for `seconds`; returns how many completed. */
async function loop(concurrency: number, seconds: number, task: (worker: number) => Promise<void>): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < end) {
        await task(worker);
        // Decisions refused from memory resolve without I/O; yield now and then, or this loop would
        // starve the event loop of the database's answers (a gateway yields on every request).
        if (++done % 64 === 0) await new Promise((r) => setImmediate(r));
      }
    }),
  );
  return done;
}

/**
 * Edge costs (`npm run bench`, BENCH_ONLY=edge).
 *
 * (a) What authentication adds to a gateway request. The gateway has no unauthenticated mode to
 * compare against, and a switch to skip credentials would be a hole kept only for a benchmark, so
 * the added path is timed in-process with the gateway's own classes against the same database,
 * at the same concurrency as the load: the credential lookup (Authenticator.authenticate), the
 * rate-limit decision (two upserts in PostgreSQL), the scope check and the identity token signed
 * for the subgraph call. Next to it, the whole authenticated request through the running gateway
 * (autocannon), so the share is visible.
 *
 * (b) Rate limiter decisions per second on PostgreSQL: many keys, one hot key under limits too
 * high to bind (every decision writes the same row), and one key flooding at the production limits
 * (refused from memory once over: the in-memory block).
 */
export async function edgeBench(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-bench-edge-'));
  const stack = await Stack.start({
    dataDir,
    embeddedPort: await freePort(),
    workers: 0,
    output: path.join(dataDir, 'services.log'),
    log,
    // The limiter runs on every request, with limits out of reach of the load.
    env: { LOG_LEVEL: 'warn', RATE_LIMIT_BURST_PER_SECOND: '100000', RATE_LIMIT_PER_MINUTE: '6000000' },
  });
  const orm = await openModuleOrm(clientsDb, { url: stack.databaseUrl, poolMax: 10 });
  const pool = new pg.Pool({ connectionString: stack.databaseUrl, max: 10 });
  try {
    const tenant = await seedTenant(stack.databaseUrl);
    console.log('\n## Edge: authentication, rate limit and scope check per request');
    console.log(`${SECONDS}s each, ${CONNECTIONS} concurrent, ${os.cpus().length} cores`);

    const whole = await autocannon({
      url: stack.gatewayUrl,
      method: 'POST',
      connections: CONNECTIONS,
      duration: SECONDS,
      headers: { 'content-type': 'application/json', 'x-api-key': tenant.apiKey },
      body: JSON.stringify({ query: QUERY }),
    });
    console.log(`whole request ${QUERY} via the gateway: ${whole.requests.average.toFixed(0)} req/s  p50 ${whole.latency.p50} ms  p99 ${whole.latency.p99} ms  non-2xx ${whole.non2xx}`);

    const auth = new Authenticator(orm, stack.secret, { keyPrefix: 'fxv_', clientTokenSecret: 'b'.repeat(32), trustedProxyHops: 0, identityTtlSeconds: 300 });
    const limiter = await EdgeRateLimiter.open({ pool }, { burstPerSecond: 1_000_000, perMinute: 60_000_000 }, log);
    const document = parse(QUERY);
    const origin = { socket: { remoteAddress: '127.0.0.1' }, headers: { 'user-agent': 'bench' } } as unknown as IncomingMessage;
    const get = (name: string): string | null => (name === 'x-api-key' ? tenant.apiKey : null);
    // Alone (pure latency of the path) and at the load's concurrency (with its queueing for the pools).
    for (const concurrency of [1, CONNECTIONS]) {
      const parts = { authenticate: [] as number[], limit: [] as number[], scopeAndSign: [] as number[], total: [] as number[] };
      await loop(concurrency, SECONDS, async () => {
        const t0 = performance.now();
        const identity = await auth.authenticate(get, origin);
        const t1 = performance.now();
        if (!identity || !(await limiter.consume(`cred:${identity.credentialHash}`)).allowed) throw new Error('bench credential refused');
        const t2 = performance.now();
        if (missingScopes(document, null, identity.scopes).length) throw new Error('bench scopes refused');
        await auth.sign(identity);
        const t3 = performance.now();
        parts.authenticate.push(t1 - t0);
        parts.limit.push(t2 - t1);
        parts.scopeAndSign.push(t3 - t2);
        parts.total.push(t3 - t0);
      });
      const total = timing(parts.total);
      console.log(`added by authentication, ${concurrency} concurrent: ${ms(total)}`);
      console.log(`  credential lookup:          ${ms(timing(parts.authenticate))}`);
      console.log(`  rate-limit decision:        ${ms(timing(parts.limit))}`);
      console.log(`  scope check + identity JWT: ${ms(timing(parts.scopeAndSign))}`);
      if (concurrency === CONNECTIONS) {
        console.log(`  share of the whole request: p50 ${((100 * total.p50) / Math.max(whole.latency.p50, 0.001)).toFixed(0)}%  p99 ${((100 * total.p99) / Math.max(whole.latency.p99, 0.001)).toFixed(0)}%`);
      }
    }

    console.log(`\n## Rate limiter decisions per second on PostgreSQL (${LIMITER_CONCURRENCY} concurrent, pool of 10, ${SECONDS}s each)`);
    const cases: { name: string; limits: { burstPerSecond: number; perMinute: number }; key: (worker: number, i: number) => string }[] = [
      { name: 'many keys (10,000)', limits: { burstPerSecond: 1_000_000, perMinute: 60_000_000 }, key: (_w, i) => `bench-many-${i % 10_000}` },
      { name: 'one hot key, limits not binding', limits: { burstPerSecond: 1_000_000, perMinute: 60_000_000 }, key: () => 'bench-hot' },
      { name: 'one key flooding at 10/s, 60/min', limits: { burstPerSecond: 10, perMinute: 60 }, key: () => 'bench-flood' },
    ];
    for (const c of cases) {
      const l = await EdgeRateLimiter.open({ pool }, c.limits, log);
      let i = 0;
      let refused = 0;
      const decisions = await loop(LIMITER_CONCURRENCY, SECONDS, async (worker) => {
        if (!(await l.consume(c.key(worker, i++))).allowed) refused++;
      });
      const degraded = l.degradedDecisions ? `, ${l.degradedDecisions} by the fallback` : '';
      console.log(`${c.name.padEnd(34)} ${(decisions / SECONDS).toFixed(0).padStart(8)} decisions/s  (${refused} refused${degraded})`);
    }
  } finally {
    await pool.end();
    await orm.close();
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
