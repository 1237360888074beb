import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant, type SeededTenant } from '../factories/tenant.js';
import { eventually, gql } from '../support/graphql.js';
import { startLabTarget, type LabTarget } from '../lab/lab-target.js';
import { startTestStack, type TestStack } from './stack.js';

describe('a worker killed mid-scan', () => {
  let t: TestStack;
  let tenant: SeededTenant;
  let lab: LabTarget;
  let release!: () => void;
  let firstRequest!: Promise<void>;

  beforeAll(async () => {
    // Short heartbeat and supervision so a dead worker's job is retried within seconds.
    t = await startTestStack('worker-crash', {
      workers: 1,
      env: { SCAN_HEARTBEAT_SECONDS: '10', SCAN_SUPERVISE_INTERVAL_SECONDS: '1', SCAN_RETRY_LIMIT: '3' },
    });
    tenant = await seedTenant(t.databaseUrl);
    const hold = new Promise<void>((r) => (release = r));
    let seen!: () => void;
    firstRequest = new Promise<void>((r) => (seen = r));
    lab = await startLabTarget({ headers: { 'x-frame-options': 'DENY' }, hold, onRequest: () => seen() });
  });
  afterAll(async () => {
    release?.();
    await lab?.close();
    await t?.stop();
  });

  it('is replaced by another worker that finishes the scan once, with no duplicate findings', async () => {
    const created = await gql(
      t.stack.gatewayUrl,
      `mutation($input: CreateScanInput!) { createScan(input: $input) { id } }`,
      { input: { target: lab.url, targetType: 'URL' } },
      { 'x-api-key': tenant.apiKey },
    );
    expect(created.errors).toBeUndefined();
    const id = created.data!.createScan.id as string;

    await firstRequest; // worker 1 is now inside the scan, waiting on the target
    const first = t.stack.services.find((s) => s.name === 'worker-1')!;
    first.child.kill('SIGKILL');
    await first.exited;
    await t.stack.startWorker();
    release();

    const status = await eventually(
      async () => {
        const r = await gql(t.stack.gatewayUrl, `query($id: ID!) { scan(id: $id) { status findingsSummary { total } } }`, { id }, { 'x-api-key': tenant.apiKey });
        const s = r.data?.scan;
        return s && (s.status === 'COMPLETED' || s.status === 'FAILED') ? s : null;
      },
      120_000,
      'the scan to end',
    );
    expect(status.status).toBe('COMPLETED');
    // CSP, nosniff, Referrer-Policy and Permissions-Policy are missing; framing is protected.
    expect(status.findingsSummary.total).toBe(4);
    expect(lab.requests.length).toBeGreaterThanOrEqual(2);

    const db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      const findings = await db.query('select check_id, count(*)::int as n from findings.finding where scan_id = $1 group by check_id', [id]);
      expect(findings.rows.map((r) => r.n)).toEqual([1, 1, 1, 1]);
      expect(findings.rows.map((r) => r.check_id).sort()).toEqual([
        'headers.csp-missing',
        'headers.permissions-policy-missing',
        'headers.referrer-policy-missing',
        'headers.x-content-type-options-missing',
      ]);
      const completed = await db.query(`select count(*)::int as n from scans.scan_event where scan_id = $1 and status = 'COMPLETED'`, [id]);
      expect(completed.rows[0].n).toBe(1);
    } finally {
      await db.end();
    }
  });
});
