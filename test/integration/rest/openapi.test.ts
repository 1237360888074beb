import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIObject, OperationObject, ParameterObject, ReferenceObject } from 'openapi3-ts/oas31';
import { describe, expect, it } from 'vitest';
import { REST_ERRORS } from '../../../rest-adapter/src/errors.js';
import { loadOperations } from '../../../rest-adapter/src/operations.js';
import { buildOpenApiDocument } from '../../../rest-adapter/src/openapi/openapi-builder.js';
import { effectiveErrors } from '../../../rest-adapter/src/route-errors.js';
import { ROUTES } from '../../../rest-adapter/src/routes-table.js';
import { SpecChecker } from '../../support/rest.js';
import { TINY_ROUTES } from './tiny-routes.js';

const spec = buildOpenApiDocument(ROUTES);
const opOf = (doc: OpenAPIObject, method: string, path: string) => (doc.paths![path] as Record<string, OperationObject>)[method]!;

describe('the OpenAPI 3.1 document built from the route table', () => {
  it('is valid OpenAPI 3.1 by @apidevtools/swagger-parser', async () => {
    expect(spec.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(spec) as never)).resolves.toBeTruthy();
    await expect(SwaggerParser.validate(structuredClone(buildOpenApiDocument(TINY_ROUTES)) as never)).resolves.toBeTruthy();
  });

  it('documents every route once, with its parameters, body, success and every error it can answer', () => {
    expect(ROUTES.length).toBeGreaterThan(0);
    for (const route of ROUTES) {
      const op = opOf(spec, route.method, route.path);
      const where = `${route.method.toUpperCase()} ${route.path}`;
      expect(op, where).toBeDefined();
      expect(op.operationId).toBe(route.operationId);
      const params = (op.parameters ?? []).filter((p): p is ParameterObject => !('$ref' in p));
      for (const name of route.path.match(/\{([^}]+)\}/g)?.map((m) => m.slice(1, -1)) ?? []) {
        expect(params.find((p) => p.in === 'path' && p.name === name), `${where}: path parameter ${name}`).toMatchObject({ required: true });
      }
      expect(Object.keys(op.responses!)).toContain(String(route.success.status));
      for (const name of effectiveErrors(route)) {
        const status = String(REST_ERRORS[name].status);
        expect(op.responses![status], `${where}: ${name}`).toBeDefined();
        expect(JSON.stringify(op.responses![status].content['application/json'].schema)).toContain(`Error_${name}`);
      }
      expect(Boolean(op.requestBody), where).toBe(Boolean(route.body));
      const refs = (op.parameters ?? []).filter((p): p is ReferenceObject => '$ref' in p).map((p) => p.$ref);
      expect(refs.includes('#/components/parameters/IdempotencyKey'), `${where}: Idempotency-Key`).toBe(route.method === 'post');
      const schemes = (op.security ?? []).flatMap((s) => Object.keys(s));
      if (route.auth === 'v1') expect(schemes).toEqual(['BearerToken']);
      else expect(schemes.includes('ApiKeyQuery'), where).toBe(route.auth === 'report');
    }
  });

  it('names a GraphQL document in rest-adapter/operations/ for every operation a route runs', () => {
    const documents = loadOperations(ROUTES);
    for (const route of ROUTES) for (const op of route.operations) expect(documents.has(op), `${route.path}: ${op}`).toBe(true);
    expect(() => loadOperations([{ ...TINY_ROUTES[0]!, operations: ['NoSuchOperation'] }])).toThrow(/NoSuchOperation.graphql is missing/);
  });

  it('accepts each published example request with the route\'s own schema', () => {
    for (const route of ROUTES.filter((r) => r.requestExample !== undefined && r.body)) {
      const parsed = route.body!.safeParse(route.requestExample);
      expect(parsed.success, `${route.method.toUpperCase()} ${route.path}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });

  it('makes the response check fail on drift: an undocumented status, a wrong shape, an extra field', () => {
    const checker = new SpecChecker(buildOpenApiDocument(TINY_ROUTES));
    const json = 'application/json; charset=utf-8';
    expect(() => checker.check('get', '/things/0f8fad5b-d9cb-469f-a165-70867728950e', 200, json, '{"id":"a","name":"b"}')).not.toThrow();
    expect(() => checker.check('get', '/things/x', 418, json, '{"error":"not_found"}')).toThrow(/does not document/);
    expect(() => checker.check('get', '/things/x', 200, json, '{"id":"a"}')).toThrow(/required property 'name'/);
    expect(() => checker.check('get', '/things/x', 200, json, '{"id":"a","name":"b","extra":1}')).toThrow(/additional/);
    expect(() => checker.check('get', '/things/x', 500, json, '{"error":"internal_error","stack":"at x"}')).toThrow(/additional/);
    expect(() => checker.check('get', '/things/x', 429, json, '{"error":"rate_limited"}')).toThrow(/retry_after_seconds/);
    expect(() => checker.check('get', '/things/x', 200, 'text/plain', 'hi')).toThrow(/content type/);
    expect(() => checker.check('get', '/unknown', 404, json, '{"error":"not_found"}')).not.toThrow();
    expect(() => checker.check('get', '/unknown', 404, json, '{"detail":"Not Found"}')).toThrow(/no documented error/);
  });
});
