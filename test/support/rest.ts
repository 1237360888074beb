import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { OpenAPIObject, OperationObject, ResponseObject, SchemaObject } from 'openapi3-ts/oas31';
import { buildOpenApiDocument } from '../../rest-adapter/src/openapi/openapi-builder.js';
import { ROUTES } from '../../rest-adapter/src/routes-table.js';
import { recordTokensIn } from './token-audit.js';

/** One answer of the adapter; `body` is the parsed JSON (or the text when it is not JSON). */
export interface RestResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RestRequestOptions {
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is (malformed JSON, oversized bodies); wins over `body`. */
  rawBody?: string | Buffer;
  /** Added to the path's query string. */
  query?: Record<string, string>;
}

export interface RestClient {
  readonly baseUrl: string;
  /** The spec every answer is checked against. */
  readonly checker: SpecChecker;
  request<T = any>(method: string, path: string, opts?: RestRequestOptions): Promise<RestResponse<T>>;
  get<T = any>(path: string, opts?: RestRequestOptions): Promise<RestResponse<T>>;
  post<T = any>(path: string, opts?: RestRequestOptions): Promise<RestResponse<T>>;
  patch<T = any>(path: string, opts?: RestRequestOptions): Promise<RestResponse<T>>;
  delete<T = any>(path: string, opts?: RestRequestOptions): Promise<RestResponse<T>>;
}

type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? addFormatsModule) as unknown as FormatsPlugin;

/**
 * Checks every answer against the OpenAPI document built from the route table (the one
 * `npm run generate` commits): the status must be documented for the route, the content type
 * too, and the body must validate against that response's schema (ajv, JSON Schema 2020-12, with
 * formats). Any difference throws, failing the test: no route can drift from its spec.
 */
export class SpecChecker {
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly operations: { method: string; template: string; re: RegExp; op: OperationObject }[] = [];

  constructor(private readonly spec: OpenAPIObject) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    for (const [template, item] of Object.entries(spec.paths ?? {})) {
      const re = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`);
      for (const method of ['get', 'post', 'patch', 'put', 'delete'] as const) {
        const op = (item as Record<string, OperationObject | undefined>)[method];
        if (op) this.operations.push({ method, template, re, op });
      }
    }
  }

  /** Throws when the answer is not one the spec documents for `method path`. */
  check(method: string, path: string, status: number, contentType: string | null, text: string): void {
    const pathname = path.split('?')[0]!;
    const m = method.toLowerCase();
    // A template with fewer parameters wins (`/scan/authorised` over `/scan/{job_id}`).
    const candidates = this.operations.filter((o) => o.method === m && o.re.test(pathname));
    const found = candidates.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0))[0];
    const where = found ? `${m.toUpperCase()} ${found.template}` : `${m.toUpperCase()} ${pathname} (no such route)`;
    const media = (contentType ?? '').split(';')[0]!.trim();
    if (!found) {
      // Unknown routes answer the documented error shape: some Error_* schema with its status.
      if (media !== 'application/json') throw new Error(`${where}: answered ${status} as "${contentType}", not JSON`);
      const body = parseJson(text, where);
      const name = (body as { error?: unknown })?.error;
      const schemaName = `Error_${String(name)}`;
      if (!this.spec.components?.schemas?.[schemaName]) throw new Error(`${where}: answered ${status} ${text}: no documented error of that name`);
      this.validate(`#/components/schemas/${schemaName}`, this.spec.components.schemas[schemaName] as SchemaObject, body, where, status);
      return;
    }
    const response = found.op.responses?.[String(status)] as ResponseObject | undefined;
    if (!response) throw new Error(`${where}: answered ${status}, which the spec does not document (documented: ${Object.keys(found.op.responses ?? {}).join(', ')}); body ${text.slice(0, 500)}`);
    const content = response.content?.[media];
    if (!content) throw new Error(`${where} ${status}: content type "${contentType}" is not documented (${Object.keys(response.content ?? {}).join(', ')})`);
    const value = media === 'application/json' ? parseJson(text, where) : text;
    this.validate(`${where} ${status} ${media}`, content.schema as SchemaObject, value, where, status);
  }

  private validate(key: string, schema: SchemaObject, value: unknown, where: string, status: number): void {
    let validate = this.validators.get(key);
    if (!validate) {
      // The response schema, with the document's components beside it so `#/components/...` resolves.
      validate = this.ajv.compile({ ...(schema as object), components: this.spec.components });
      this.validators.set(key, validate);
    }
    if (!validate(value)) {
      const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
      throw new Error(`${where} ${status}: the body does not match the spec:\n  ${problems.join('\n  ')}\nbody: ${JSON.stringify(value).slice(0, 2000)}`);
    }
  }
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${where}: the body is not JSON: ${text.slice(0, 300)}`);
  }
}

let defaultChecker: SpecChecker | null = null;
/** The checker of the real route table's spec (built once per test file). */
export function specChecker(): SpecChecker {
  defaultChecker ??= new SpecChecker(buildOpenApiDocument(ROUTES));
  return defaultChecker;
}

/**
 * A client of the REST adapter (a test stack's, or any base URL) whose every answer is checked
 * against the spec (SpecChecker) before the test sees it. Tokens in answers are recorded for the
 * plaintext-credential audit, as the GraphQL helper does.
 */
export function restClient(target: string | { stack: { restUrl: string } }, checker: SpecChecker = specChecker()): RestClient {
  const baseUrl = typeof target === 'string' ? target.replace(/\/$/, '') : target.stack.restUrl;
  const request = async <T>(method: string, path: string, opts: RestRequestOptions = {}): Promise<RestResponse<T>> => {
    const url = new URL(baseUrl + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
    const hasJson = opts.body !== undefined && opts.rawBody === undefined;
    const res = await fetch(url, {
      method: method.toUpperCase(),
      headers: { ...(hasJson ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      body: typeof opts.rawBody === 'string' ? opts.rawBody : opts.rawBody ? new Uint8Array(opts.rawBody) : hasJson ? JSON.stringify(opts.body) : undefined,
    });
    const text = await res.text();
    recordTokensIn(text);
    checker.check(method, url.pathname, res.status, res.headers.get('content-type'), text);
    let body: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: body as T, text };
  };
  return {
    baseUrl,
    checker,
    request,
    get: (p, o) => request('get', p, o),
    post: (p, o) => request('post', p, o),
    patch: (p, o) => request('patch', p, o),
    delete: (p, o) => request('delete', p, o),
  };
}
