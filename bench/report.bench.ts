import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Stack } from '../cli/stack.js';
import { openModuleOrm } from '../lib/db/orm.js';
import { createLogger } from '../lib/logger.js';
import { freePort } from '../lib/net/free-port.js';
import { findingsDb, FindingLifecycle, FindingWriter } from '../subgraphs/findings/src/module.js';
import { newFinding } from '../test/factories/finding.js';
import { seedTenant } from '../test/factories/tenant.js';
import { ALL_SECURITY_HEADERS, startLabTarget } from '../test/lab/lab-target.js';
import { reportPdfBench, type ReportPdfTiming } from './report-pdf.bench.js';

const log = createLogger('bench', 'warn');
const FINDINGS = 500;

export interface ReportBenchResult {
  findings: number;
  runs: number;
  /** GET /scan/{id}/report/technical through the adapter: gateway reads (paged) plus rendering. */
  htmlP50Ms: number;
  htmlP99Ms: number;
  htmlBytes: number;
  /** The same HTML printed by renderPdf when a Chromium exists (null otherwise). */
  pdf: ReportPdfTiming | null;
}

const quantile = (sorted: number[], q: number): number => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);

/**
 * Render time of the technical report of a scan with 500 findings (`npm run bench`, BENCH_ONLY=report):
 * the HTML through the route, as a caller sees it (one GraphQL operation paged to the end through
 * the gateway, then the templates), p50/p99 over BENCH_REPORT_RUNS sequential requests (default
 * 30) after 3 warm-up ones; then the PDF of that HTML where a Chromium exists.
 */
export async function reportBench(): Promise<ReportBenchResult> {
  const runs = Number(process.env.BENCH_REPORT_RUNS ?? 30);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-bench-report-'));
  const target = await startLabTarget({ headers: ALL_SECURITY_HEADERS });
  const stack = await Stack.start({
    dataDir,
    embeddedPort: await freePort(),
    workers: 1,
    output: path.join(dataDir, 'services.log'),
    log,
    env: { LOG_LEVEL: 'warn', SCAN_ALLOW_CIDRS: '127.0.0.0/8', DEFAULT_CLIENT_TIER: 'enterprise', RATE_LIMIT_ENABLED: 'false' },
  });
  try {
    const tenant = await seedTenant(stack.databaseUrl);
    const key = { 'x-api-key': tenant.apiKey };
    const created = await fetch(`${stack.restUrl}/scan`, { method: 'POST', headers: { ...key, 'content-type': 'application/json' }, body: JSON.stringify({ target: target.url, target_type: 'url', scan_profile: 'light' }) });
    if (!created.ok) throw new Error(`creating the scan failed: ${created.status}`);
    const { job_id: scanId } = (await created.json()) as { job_id: string };
    const deadline = Date.now() + 120_000;
    for (;;) {
      const s = (await (await fetch(`${stack.restUrl}/scan/${scanId}`, { headers: key })).json()) as { status: string };
      if (s.status === 'complete') break;
      if (s.status === 'failed' || Date.now() > deadline) throw new Error(`the bench scan did not complete (${s.status})`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const clients = (await (await fetch(stack.gatewayUrl, { method: 'POST', headers: { ...key, 'content-type': 'application/json' }, body: JSON.stringify({ query: 'query($id: ID!) { scan(id: $id) { client { id } } }', variables: { id: scanId } }) })).json()) as {
      data: { scan: { client: { id: string } } };
    };
    const owner = { accountId: tenant.accountId, clientId: clients.data.scan.client.id, scanId };
    const sev = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'] as const;
    const found = Array.from({ length: FINDINGS }, (_, i) =>
      newFinding({ checkId: 'headers.csp-missing', severity: sev[i % 5], title: `Finding ${i}`, location: `location-${i}`, evidence: { request: `GET /path/${i}`, headers: { server: 'bench/1.0' }, body: 'x'.repeat(200 + (i % 10) * 300) } }),
    );
    const orm = await openModuleOrm(findingsDb, { url: stack.databaseUrl, poolMax: 1 });
    try {
      await new FindingWriter(orm.em.fork()).record(owner, found);
      await new FindingLifecycle(orm.em.fork()).seen(owner, found);
    } finally {
      await orm.close();
    }
    const url = `${stack.restUrl}/scan/${scanId}/report/technical`;
    let html = '';
    const once = async (): Promise<number> => {
      const started = performance.now();
      const res = await fetch(url, { headers: key });
      html = await res.text();
      if (res.status !== 200) throw new Error(`the report answered ${res.status}`);
      return performance.now() - started;
    };
    for (let i = 0; i < 3; i++) await once();
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(await once());
    samples.sort((a, b) => a - b);
    const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    const pdf = existsSync(chromium) ? await reportPdfBench(html, { renders: Math.min(runs, 10), chromiumPath: chromium }) : null;
    const result: ReportBenchResult = { findings: FINDINGS, runs, htmlP50Ms: quantile(samples, 0.5), htmlP99Ms: quantile(samples, 0.99), htmlBytes: Buffer.byteLength(html), pdf };
    console.log(
      `report: technical, ${FINDINGS} findings, HTML through the route p50 ${result.htmlP50Ms} ms, p99 ${result.htmlP99Ms} ms over ${runs} runs (${Math.round(result.htmlBytes / 1024)} KB)` +
        (pdf ? `; PDF cold ${pdf.coldMs} ms, p50 ${pdf.p50Ms} ms, p99 ${pdf.p99Ms} ms (${Math.round(pdf.bytes / 1024)} KB)` : '; PDF: no Chromium'),
    );
    return result;
  } finally {
    await stack.stop();
    await target.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
