import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildSchema, Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { REPO_ROOT } from '../../../lib/paths.js';
import type { RouteDef } from '../../../rest-adapter/src/route.js';
import { fixfirstRoutes } from '../../../rest-adapter/src/routes/fixfirst.js';
import { v1Routes } from '../../../rest-adapter/src/routes/v1.js';
import { cisControlOf } from '../../../rest-adapter/src/routes/finding-mappers.js';
import { inferTargetType } from '../../../rest-adapter/src/routes/shared.js';

const OPERATIONS_DIR = path.join(REPO_ROOT, 'rest-adapter', 'operations');
const ROUTES: RouteDef[] = [...fixfirstRoutes, ...v1Routes];

async function operationFiles(): Promise<string[]> {
  return (await readdir(OPERATIONS_DIR)).filter((f) => f.endsWith('.graphql')).sort();
}

describe('the REST adapter\'s committed GraphQL operations', () => {
  it('each file holds exactly one operation, named as the file, valid against the public schema', async () => {
    const schema = buildSchema(await readFile(path.join(REPO_ROOT, 'schema', 'public.graphql'), 'utf8'));
    const files = await operationFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const doc = parse(await readFile(path.join(OPERATIONS_DIR, file), 'utf8'));
      const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
      expect(ops, file).toHaveLength(1);
      expect(ops[0]!.name?.value, file).toBe(path.basename(file, '.graphql'));
      expect(validate(schema, doc).map((e) => e.message), file).toEqual([]);
    }
  });

  it('every operation a route names is committed, and every committed operation is used by a route', async () => {
    const files = new Set((await operationFiles()).map((f) => path.basename(f, '.graphql')));
    const used = new Set(ROUTES.flatMap((r) => r.operations));
    for (const op of used) expect(files.has(op), `operations/${op}.graphql`).toBe(true);
    for (const op of files) expect(used.has(op), `${op} is used by no route`).toBe(true);
  });
});

describe('the route table of both dialects', () => {
  it('has the documented routes, each once, with unique operation ids', () => {
    const keys = ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(keys.sort()).toEqual(
      [
        'POST /scan',
        'POST /scan/authorised',
        'GET /scan/{job_id}',
        'GET /scan/{job_id}/findings',
        'GET /scan/{job_id}/report/{type}',
        'POST /clients/register',
        'GET /clients/me',
        'PATCH /finding/{finding_id}/remediate',
        'POST /billing/checkout',
        'POST /scans/schedule',
        'POST /alerts/configure',
        'POST /api/v1/scans',
        'GET /api/v1/scans',
        'GET /api/v1/scans/{scanId}',
        'GET /api/v1/findings',
      ].sort(),
    );
    expect(new Set(ROUTES.map((r) => r.operationId)).size).toBe(ROUTES.length);
    for (const r of fixfirstRoutes) expect(r.dialect).toBe('fixfirst');
    for (const r of v1Routes) expect(r.dialect).toBe('v1');
  });

  it('names every path parameter in its params schema', () => {
    for (const r of ROUTES) {
      const names = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      if (names.length === 0) continue;
      const shape = (r.params as unknown as { shape: Record<string, unknown> }).shape;
      expect(Object.keys(shape).sort(), r.path).toEqual(names.sort());
    }
  });

  it('has examples that its own schemas accept (request bodies and success responses)', () => {
    for (const r of ROUTES) {
      if (r.requestExample !== undefined) {
        const parsed = r.body!.safeParse(r.requestExample);
        expect(parsed.success, `${r.operationId} requestExample: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      }
      const parsed = r.success.schema.safeParse(r.success.example);
      expect(parsed.success, `${r.operationId} example: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });

  it('has schemas that convert to JSON Schema for the spec (inputs as sent, responses as returned)', () => {
    for (const r of ROUTES) {
      for (const s of [r.params, r.query, r.body]) if (s) expect(() => z.toJSONSchema(s, { io: 'input', target: 'draft-2020-12' }), r.operationId).not.toThrow();
      expect(() => z.toJSONSchema(r.success.schema, { io: 'output', target: 'draft-2020-12' }), r.operationId).not.toThrow();
    }
  });

  it('documents the errors every route can answer', () => {
    for (const r of ROUTES) {
      expect(r.errors, r.operationId).toEqual(expect.arrayContaining(['invalid_token', 'rate_limited', 'internal_error']));
      if (r.body || r.query) expect(r.errors, r.operationId).toContain('invalid_input');
      if (r.params) expect(r.errors, r.operationId).toContain('not_found');
    }
  });

  it('rejects out-of-range limits and foreign cursors at the edge', () => {
    const list = v1Routes.find((r) => r.operationId === 'v1ListFindings')!;
    for (const limit of ['0', '-1', '101', '1000000', '2.5', 'abc']) expect(list.query!.safeParse({ limit }).success, limit).toBe(false);
    expect(list.query!.safeParse({}).data).toMatchObject({ limit: 50 });
    expect(list.query!.safeParse({ limit: '100' }).data).toMatchObject({ limit: 100 });
    for (const cursor of ['abc', '2026-05-07T14:00:00Z', '2026-13-45T99:99:99Z:0190f3c2-1111-7222-8333-444455556666', `2026-05-07T14:00:00Z:${'x'.repeat(36)}`]) {
      expect(list.query!.safeParse({ cursor }).success, cursor).toBe(false);
    }
    expect(list.query!.safeParse({ cursor: '2026-05-07T14:00:00.123Z:0190f3c2-1111-7222-8333-444455556666' }).success).toBe(true);
    expect(list.query!.safeParse({ severity: 'critical,urgent' }).success).toBe(false);
  });
});

describe('REST mapping rules', () => {
  it('infers the target type the way both dialects document it', () => {
    expect(inferTargetType('https://staging.example.com')).toBe('URL');
    expect(inferTargetType('company.com')).toBe('DOMAIN');
    expect(inferTargetType('203.0.113.7')).toBe('IP');
    expect(inferTargetType('2001:db8::1')).toBe('IP');
    expect(inferTargetType('203.0.113.0/28')).toBe('CIDR');
    expect(inferTargetType('2001:db8::/120')).toBe('CIDR');
  });

  it('names the CIS control of a v8 safeguard as the published document does', () => {
    expect(cisControlOf('5.2')).toBe('CIS-5');
    expect(cisControlOf('12.10')).toBe('CIS-12');
    expect(cisControlOf(null)).toBeNull();
  });
});
