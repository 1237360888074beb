import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import createClient from 'openapi-fetch';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/paths.js';
import { buildOpenApiDocument } from '../../rest-adapter/src/openapi/openapi-builder.js';
import { ROUTES } from '../../rest-adapter/src/routes-table.js';
import { seedTenant, type SeededTenant } from '../factories/tenant.js';
import { startLabTarget, type LabTarget } from '../lab/lab-target.js';
import { eventually } from '../support/graphql.js';
import { specChecker } from '../support/rest.js';
import { recordTokensIn } from '../support/token-audit.js';
import type { paths } from './rest-api.generated.js';
import { startTestStack, type TestStack } from './stack.js';

/** This file's loopback address: the lab target the scans read. */
const ADDRESS = '127.0.0.65';
const GENERATED = path.join(REPO_ROOT, 'test', 'e2e', 'rest-api.generated.d.ts');

/** What openapi-typescript makes of the spec the adapter serves (built from the same route table). */
async function generatedTypes(): Promise<string> {
  const spec = JSON.parse(JSON.stringify(buildOpenApiDocument(ROUTES)));
  return COMMENT_HEADER + astToString(await openapiTS(spec));
}

/** fetch for the typed client: every answer is checked against the spec and audited for tokens, as the other REST tests do. */
const checkedFetch = async (input: Request): Promise<Response> => {
  const res = await fetch(input);
  const text = await res.text();
  recordTokensIn(text);
  specChecker().check(input.method, new URL(input.url).pathname, res.status, res.headers.get('content-type'), text);
  return new Response(text, { status: res.status, headers: res.headers });
};

describe('a client generated from the OpenAPI spec', () => {
  let t: TestStack;
  let tenant: SeededTenant;
  let lab: LabTarget;

  beforeAll(async () => {
    t = await startTestStack('rest-typed-client', { workers: 1 });
    tenant = await seedTenant(t.databaseUrl);
    lab = await startLabTarget({ host: ADDRESS, headers: { server: 'lab/1.0' } });
  });
  afterAll(async () => {
    await t?.stop();
    await lab?.close();
  });

  it('is generated from the current spec (UPDATE_REST_TYPES=1 rewrites it)', async () => {
    const text = await generatedTypes();
    if (process.env.UPDATE_REST_TYPES === '1') await writeFile(GENERATED, text);
    const committed = await readFile(GENERATED, 'utf8').catch(() => '');
    expect(committed === text, 'test/e2e/rest-api.generated.d.ts is stale: run npm run generate').toBe(true);
  });

  it('creates a scan through the v1 dialect, polls it to completion and lists its findings', async () => {
    const v1 = createClient<paths>({ baseUrl: t.stack.restUrl, headers: { authorization: `Bearer ${tenant.apiKey}` }, fetch: checkedFetch });
    const created = await v1.POST('/api/v1/scans', { body: { target: lab.url, scan_profile: 'light' } });
    expect(created.error).toBeUndefined();
    const id = created.data!.id;
    expect(created.data).toEqual({ id, status: 'queued', target: lab.url, mode: 'passive' });

    const done = await eventually(async () => {
      const { data } = await v1.GET('/api/v1/scans/{scanId}', { params: { path: { scanId: id } } });
      return data?.status === 'completed' ? data : null;
    }, 90_000, 'the scan completing');
    expect(done.completed_at).not.toBeNull();
    const counts = done.findings_count;
    const total = counts.critical + counts.high + counts.medium + counts.low + counts.info;
    expect(total).toBeGreaterThan(0);
    const perCategory = Object.values(done.findings_count_by_category).reduce((n, c) => n + c.critical + c.high + c.medium + c.low + c.info, 0);
    expect(perCategory).toBe(total);

    const withFindings = await v1.GET('/api/v1/scans/{scanId}', { params: { path: { scanId: id }, query: { include_findings: 'true' } } });
    expect(withFindings.data!.findings).toHaveLength(total);

    const listed = await v1.GET('/api/v1/findings', { params: { query: { limit: 100 } } });
    expect(listed.error).toBeUndefined();
    const ofScan = listed.data!.findings.filter((f) => f.scan_id === id);
    expect(ofScan).toHaveLength(total);
    expect(ofScan.map((f) => f.check_id)).toContain('headers.csp-missing');
    const bad = await v1.GET('/api/v1/findings', { params: { query: { limit: 0 } } });
    expect(bad.error).toMatchObject({ error: 'invalid_input', issues: [{ field: 'limit' }] });
  });

  it('creates a scan through the Fix First dialect, polls it to completion and reads its enriched findings', async () => {
    const ff = createClient<paths>({ baseUrl: t.stack.restUrl, headers: { 'x-api-key': tenant.apiKey }, fetch: checkedFetch });
    const created = await ff.POST('/scan', { body: { target: lab.url, target_type: 'url', scan_profile: 'light', client_name: 'Typed Corp' } });
    expect(created.error).toBeUndefined();
    const jobId = created.data!.job_id;
    const done = await eventually(async () => {
      const { data } = await ff.GET('/scan/{job_id}', { params: { path: { job_id: jobId } } });
      return data?.status === 'complete' ? data : null;
    }, 90_000, 'the scan completing');
    const findings = await ff.GET('/scan/{job_id}/findings', { params: { path: { job_id: jobId } } });
    expect(findings.data!.total).toBe(done.findings_summary.total);
    for (const f of findings.data!.findings) {
      expect(f.scan_id).toBe(jobId);
      expect(typeof f.fixfirst_score).toBe('number');
      expect(JSON.parse(f.d3fend_countermeasures)).toEqual(f.d3fend_countermeasures_list);
    }
  });
});
