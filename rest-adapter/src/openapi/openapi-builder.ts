import { readFileSync } from 'node:fs';
import path from 'node:path';
import { OpenApiBuilder, type OpenAPIObject, type OperationObject, type ParameterObject, type PathItemObject, type ResponseObject, type ResponsesObject, type SchemaObject, type SecurityRequirementObject } from 'openapi3-ts/oas31';
import { REPO_ROOT } from '../../../lib/paths.js';
import { REST_ERRORS, type RestErrorName } from '../errors.js';
import { effectiveErrors } from '../route-errors.js';
import type { Dialect, RouteDef } from '../route.js';
import { API_DESCRIPTION, DIALECT_TAGS, IDEMPOTENCY_KEY_PARAMETER, RATE_LIMIT_HEADERS, SECURITY_SCHEMES } from './spec-text.js';
import { ERROR_EXAMPLES, ERROR_NAMES, errorSchema, errorSchemaName } from './error-schemas.js';
import { SchemaConverter } from './json-schema.js';
import { RELAYED_PATHS } from './billing-webhook-spec.js';

const VERSION = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * The OpenAPI 3.1 document of the REST adapter, built from the same route table that builds the
 * handlers: paths, parameters, bodies, success answers and every error a route can answer
 * (route-errors.ts). Deterministic, so the committed rest-adapter/openapi.yaml can be checked.
 */
export function buildOpenApiDocument(routes: readonly RouteDef[], relayed: Record<string, PathItemObject> = RELAYED_PATHS): OpenAPIObject {
  const schemas = new SchemaConverter();
  const builder = OpenApiBuilder.create()
    .addOpenApiVersion('3.1.0')
    .addInfo({ title: 'fixfirst REST API', version: VERSION, description: API_DESCRIPTION })
    .addServer({ url: '/', description: 'This adapter (the spec is served by the server it describes)' })
    .addServer({ url: 'http://127.0.0.1:8080', description: '`npm start` on this machine (REST_PORT)' });
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) builder.addSecurityScheme(name, scheme);
  builder.addParameter('IdempotencyKey', IDEMPOTENCY_KEY_PARAMETER);
  for (const name of ERROR_NAMES) builder.addSchema(errorSchemaName(name), errorSchema(name));

  const tags = new Map<string, string>();
  const paths = new Map<string, Record<string, OperationObject>>();
  for (const route of routes) {
    const opTags = tagsOf(route);
    for (const t of opTags) if (!tags.has(t)) tags.set(t, tagDescription(route.dialect, t));
    const operation = operationOf(route, schemas, opTags);
    const item = paths.get(route.path) ?? {};
    if (item[route.method]) throw new Error(`two routes for ${route.method.toUpperCase()} ${route.path}`);
    item[route.method] = operation;
    paths.set(route.path, item);
  }
  for (const [p, item] of paths) builder.addPath(p, item);
  // Paths relayed raw rather than mapped onto GraphQL (Stripe's webhook).
  for (const [p, item] of Object.entries(relayed)) {
    if (paths.has(p)) throw new Error(`${p} is both a route and a relayed path`);
    builder.addPath(p, item);
  }
  for (const [name, schema] of Object.entries(schemas.components).sort(([a], [b]) => a.localeCompare(b))) builder.addSchema(name, schema);
  for (const [name, description] of tags) builder.addTag({ name, description });
  return builder.getSpec();
}

/** Per dialect: `Fix First: Scans`, `v1: Findings` (a route's own tags, inside its dialect's label). */
function tagsOf(route: RouteDef): string[] {
  const label = DIALECT_TAGS[route.dialect].label;
  if (!route.tags.length) return [label];
  return route.tags.map((t) => (t === label || t.startsWith(`${label}: `) ? t : `${label}: ${t}`));
}

function tagDescription(dialect: Dialect, tag: string): string {
  const d = DIALECT_TAGS[dialect];
  return tag === d.label ? d.description : `${d.description} ${tag.slice(d.label.length + 2)}.`;
}

function securityOf(auth: RouteDef['auth']): SecurityRequirementObject[] {
  if (auth === 'v1') return [{ BearerToken: [] }];
  const fixfirst: SecurityRequirementObject[] = [{ ApiKey: [] }, { ApiKey: [], ClientToken: [] }];
  if (auth === 'client') return [...fixfirst, { ClientToken: [] }];
  return auth === 'report' ? [...fixfirst, { ApiKeyQuery: [] }] : fixfirst;
}

function operationOf(route: RouteDef, schemas: SchemaConverter, tags: string[]): OperationObject {
  const parameters: ParameterObject[] = [];
  if (route.params) {
    for (const p of schemas.properties(route.params, 'input')) parameters.push(parameter(p.name, 'path', p.schema, true));
  }
  if (route.query) {
    for (const p of schemas.properties(route.query, 'input')) {
      if (route.auth === 'report' && p.name === 'api_key') continue; // documented as a security scheme
      parameters.push(parameter(p.name, 'query', p.schema, p.required));
    }
  }
  const operation: OperationObject = {
    operationId: route.operationId,
    summary: route.summary,
    description: describe(route),
    tags,
    security: securityOf(route.auth),
    parameters: route.method === 'post' ? [...parameters, { $ref: '#/components/parameters/IdempotencyKey' }] : parameters,
    responses: responsesOf(route, schemas),
  };
  if (route.body) {
    operation.requestBody = {
      required: true,
      content: { 'application/json': { schema: schemas.convert(route.body, 'input'), ...(route.requestExample !== undefined ? { example: route.requestExample } : {}) } },
    };
  }
  return operation;
}

function parameter(name: string, where: 'path' | 'query', schema: SchemaObject, required: boolean): ParameterObject {
  const { description, ...rest } = schema;
  return { name, in: where, required, schema: rest, ...(typeof description === 'string' ? { description } : {}) };
}

function describe(route: RouteDef): string {
  const notes: string[] = [route.description];
  if (route.params && !route.errors.includes('invalid_input')) notes.push('A path id that is not a UUID names nothing: `404 not_found`.');
  if (route.params && route.errors.includes('invalid_input')) notes.push('A path id that is not a UUID is `400 invalid_input` naming the parameter.');
  if (route.operations.length) notes.push(`GraphQL: ${route.operations.map((o) => `\`${o}\``).join(', ')} (rest-adapter/operations/).`);
  return notes.join('\n\n');
}

function responsesOf(route: RouteDef, schemas: SchemaConverter): ResponsesObject {
  const ok = route.success;
  const html = ok.contentType === 'text/html';
  const success: ResponseObject = {
    description: ok.description,
    headers: { ...RATE_LIMIT_HEADERS.success, ...(route.method === 'post' ? RATE_LIMIT_HEADERS.replayed : {}) },
    content: {
      [html ? 'text/html' : 'application/json']: {
        schema: html ? { type: 'string' } : schemas.convert(ok.schema, 'output'),
        ...(ok.example !== undefined ? { example: ok.example } : {}),
      },
      ...(ok.alsoPdf ? { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } : {}),
    },
  };
  const responses: ResponsesObject = { [String(ok.status)]: success };
  const byStatus = new Map<number, RestErrorName[]>();
  for (const name of effectiveErrors(route)) {
    const status = REST_ERRORS[name].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), name]);
  }
  for (const [status, names] of byStatus) {
    const refs = names.map((n) => ({ $ref: `#/components/schemas/${errorSchemaName(n)}` }));
    responses[String(status)] = {
      description: names.map((n) => `\`${n}\`: ${REST_ERRORS[n].description}`).join(' '),
      ...(status === 429 ? { headers: RATE_LIMIT_HEADERS.limited } : {}),
      content: {
        'application/json': {
          schema: refs.length === 1 ? refs[0]! : { oneOf: refs },
          examples: Object.fromEntries(names.map((n) => [n, { value: ERROR_EXAMPLES[n] }])),
        },
      },
    };
  }
  return responses;
}
