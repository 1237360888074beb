import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Stack } from '../cli/stack.js';
import { createLogger } from '../lib/logger.js';
import { freePort } from '../lib/net/free-port.js';
import { seedTenant } from '../test/factories/tenant.js';
import { labCa, labCertificate } from '../test/lab/certs.js';
import { startDnsServer } from '../test/lab/dns-server.js';
import { startLabServices } from '../test/lab/services.js';
import { startVulnerableApp } from '../test/lab/web-app.js';
import { attestLabTarget, LAB_AUTHORISATION, verifyLabDomain } from '../test/support/target-ownership.js';

/**
 * A standard-profile active scan of the lab (the vulnerable app by name, then the real services
 * by address) through the whole platform with one worker: wall time and requests per scan, then
 * scans per minute for a batch, against a light passive scan of the same app as the baseline.
 */
const BATCH = Number(process.env.BENCH_LAB_BATCH ?? 10);

interface Done {
  ms: number;
  requests: number;
  findings: number;
}

export async function labScanBench(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-bench-lab-'));
  const caFile = path.join(dir, 'ca.pem');
  await writeFile(caFile, (await labCa()).cert);
  const dns = await startDnsServer({
    host: '127.0.0.54',
    zone: { 'vuln.lab.test': { A: ['127.0.0.2'], TXT: ['v=spf1 +all'] }, '_dmarc.vuln.lab.test': { TXT: ['v=DMARC1; p=none'] } },
  });
  const app = await startVulnerableApp({ cert: await labCertificate('wrong-name') });
  const services = await startLabServices();
  const stack = await Stack.start({
    dataDir: dir,
    embeddedPort: await freePort(),
    workers: 1,
    output: path.join(dir, 'services.log'),
    log: createLogger('bench', 'warn'),
    // It polls scan status every 50 ms with one key: the edge rate limit is not what this measures.
    env: { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', SCAN_ALLOW_CIDRS: '127.0.0.0/8', DEFAULT_CLIENT_TIER: 'enterprise', DNS_SERVERS: dns.server, SCAN_EXTRA_CA_FILE: caFile, RATE_LIMIT_ENABLED: 'false' },
  });
  try {
    const tenant = await seedTenant(stack.databaseUrl);
    const call = async (query: string, variables: Record<string, unknown>): Promise<any> => {
      const res = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': tenant.apiKey },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: any; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };
    const create = async (input: Record<string, unknown>): Promise<string> =>
      (await call(`mutation($i: CreateScanInput!) { createScan(input: $i) { id } }`, { i: input })).createScan.id;
    const finished = async (ids: string[], started: number): Promise<Done[]> => {
      const done = new Map<string, Done>();
      const deadline = Date.now() + 10 * 60_000;
      while (done.size < ids.length) {
        if (Date.now() > deadline) throw new Error('lab scans did not finish within 10 minutes');
        for (const id of ids.filter((i) => !done.has(i))) {
          const s = (await call(`query($id: ID!) { scan(id: $id) { status findingsFound stats { requests } } }`, { id })).scan;
          if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(s.status)) done.set(id, { ms: performance.now() - started, requests: s.stats?.requests ?? 0, findings: s.findingsFound });
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      return ids.map((i) => done.get(i)!);
    };
    const one = async (input: Record<string, unknown>): Promise<Done> => {
      const started = performance.now();
      return (await finished([await create(input)], started))[0]!;
    };

    // Active scans need the target proven the client's (DNS for the name, attestation for the address) and an authorisation.
    await verifyLabDomain(stack.gatewayUrl, tenant.apiKey, dns.zone, 'vuln.lab.test');
    await attestLabTarget(stack.gatewayUrl, tenant.apiKey, '127.0.0.3');
    const web = { target: 'vuln.lab.test', targetType: 'DOMAIN', mode: 'ACTIVE', profile: 'STANDARD', authorisation: LAB_AUTHORISATION };
    await one(web); // warm-up
    const baseline = await one({ target: 'vuln.lab.test', targetType: 'DOMAIN', mode: 'PASSIVE', profile: 'LIGHT' });
    const webScan = await one(web);
    const servicesScan = await one({ target: '127.0.0.3', targetType: 'IP', mode: 'ACTIVE', profile: 'STANDARD', authorisation: LAB_AUTHORISATION });
    const started = performance.now();
    const ids = await Promise.all(Array.from({ length: BATCH }, () => create(web)));
    const batch = await finished(ids, started);
    const batchMs = Math.max(...batch.map((d) => d.ms));

    console.log('\n## Lab scans through the platform (one worker, WORKER_CONCURRENCY 2)');
    const row = (name: string, d: Done) => console.log(`${name.padEnd(52)} ${d.ms.toFixed(0).padStart(6)} ms  ${String(d.requests).padStart(4)} requests  ${String(d.findings).padStart(3)} findings`);
    row('baseline: light passive scan of the vulnerable app', baseline);
    row('standard active scan of the vulnerable app', webScan);
    row('standard active scan of the real services (top 100)', servicesScan);
    console.log(`ratio standard active / light passive wall time: ${(webScan.ms / baseline.ms).toFixed(2)}`);
    console.log(`${BATCH} standard active scans queued at once: ${batchMs.toFixed(0)} ms, ${((BATCH * 60_000) / batchMs).toFixed(1)} scans per minute with one worker`);
  } finally {
    await stack.stop();
    await Promise.all([app.stop(), services.stop(), dns.close()]);
    if (!process.env.BENCH_KEEP) await rm(dir, { recursive: true, force: true });
  }
}
