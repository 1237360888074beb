import type { ZodType } from 'zod';
import type { RestErrorName } from './errors.js';

/** The two published APIs the adapter speaks. */
export type Dialect = 'fixfirst' | 'v1';
export type HttpMethod = 'get' | 'post' | 'patch';

/** What a handler gets: the validated path parameters, query and body. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
}

/** What a handler may use: the gateway, with the caller's own credentials. */
export interface RouteContext {
  /**
   * Runs a committed operation (`rest-adapter/operations/<name>.graphql`) through the gateway with
   * the caller's credentials and returns its `data`; any GraphQL error is thrown as a RestError
   * through the one mapping table (errors.ts).
   */
  graphql<T = Record<string, unknown>>(operation: string, variables?: Record<string, unknown>): Promise<T>;
  /**
   * The adapter's public base URL, without a trailing slash (REST_PUBLIC_URL, default
   * `http://HOST:REST_PORT`), for links the response carries, e.g. a report URL.
   */
  readonly publicBaseUrl: string;
}

/**
 * An answer a handler builds itself, with its own content type and headers (a report: HTML with
 * its Content-Security-Policy, or a PDF). Only GET routes return one (never stored for replay).
 */
export class RawAnswer {
  constructor(
    readonly contentType: string,
    readonly body: string | Buffer,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** A successful answer: JSON by default, or HTML (reports). */
export interface RouteSuccess<R> {
  status: 200 | 201 | 202;
  description: string;
  /** The response body's schema: the handler's result is checked against it in tests. */
  schema: ZodType<R>;
  /** The published document's example, verbatim where it has one. */
  example?: unknown;
  contentType?: 'application/json' | 'text/html';
  /** The route also answers `application/pdf` (reports with `?format=pdf`). */
  alsoPdf?: boolean;
}

/**
 * One documented route. The same table builds the Express handlers and the OpenAPI 3.1 document
 * (no second copy): parameters, bodies, responses and errors all come from here.
 */
export interface RouteDef<P = unknown, Q = unknown, B = unknown, R = unknown> {
  operationId: string;
  dialect: Dialect;
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/scan/{job_id}`; Express's `/scan/:job_id` is derived from it. */
  path: string;
  summary: string;
  description: string;
  tags: string[];
  /**
   * How the caller authenticates: `fixfirst` = `x-api-key` on every call (plus an optional
   * `Authorization: Bearer <client JWT>`); `v1` = `Authorization: Bearer fxv_…`; `report` = as
   * fixfirst, or `?api_key=` (report URLs only); `client` = as fixfirst, or a client JWT as
   * `Authorization: Bearer` alone (GET /clients/me, which the document calls with the token).
   */
  auth: 'fixfirst' | 'v1' | 'report' | 'client';
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  /** The published document's example request body, verbatim. */
  requestExample?: unknown;
  success: RouteSuccess<R>;
  /**
   * The error names this route can answer (each becomes a documented response). The framework adds
   * the ones it produces itself (route-errors.ts). A path parameter failing `params` is
   * `invalid_input` when this list has it, else `not_found`.
   */
  errors: RestErrorName[];
  /** Names of the committed GraphQL operations it runs (files in rest-adapter/operations/). */
  operations: string[];
  /** The result (checked against `success.schema`), or a RawAnswer a GET route builds itself (reports). */
  handle(input: RouteInput<P, Q, B>, ctx: RouteContext): Promise<R | RawAnswer>;
}

/** Keeps each route's types while collecting routes of different shapes in one table. */
export function route<P, Q, B, R>(def: RouteDef<P, Q, B, R>): RouteDef {
  return def as unknown as RouteDef;
}
