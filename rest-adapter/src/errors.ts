import { z } from 'zod';

/** Every error either published API documents, plus what any HTTP API needs around them. */
export const REST_ERRORS = {
  invalid_token: { status: 401, description: 'Missing, malformed, unknown, expired or revoked credential.' },
  forbidden: { status: 403, description: 'The credential may not do this (scope, plan, active scan without proof or authorisation).' },
  not_found: { status: 404, description: 'No such resource for this caller (another tenant\'s ids are not found).' },
  conflict: { status: 409, description: 'The resource is not in a state that allows it, or an Idempotency-Key was reused with another body.' },
  payload_too_large: { status: 413, description: 'The request body is larger than allowed.' },
  quota_exceeded: { status: 429, description: 'The client\'s scan quota for the period is used up.' },
  rate_limited: { status: 429, description: 'Too many requests for this credential; retry after the given seconds.' },
  invalid_input: { status: 400, description: 'The request is malformed; `issues` names each bad field.' },
  internal_error: { status: 500, description: 'Something failed on our side; nothing about it is disclosed.' },
  not_implemented: { status: 501, description: 'This deployment cannot do this (e.g. PDF reports without a configured Chromium); `message` says what to set up.' },
  service_unavailable: { status: 503, description: 'A dependency is unavailable or not configured; retry later.' },
} as const;
export type RestErrorName = keyof typeof REST_ERRORS;

/** One bad field of an `invalid_input`. */
export const issueSchema = z.object({ field: z.string(), message: z.string() });
export type Issue = z.infer<typeof issueSchema>;

/** An answer that is an error: `{ "error": name, ...extra }` with the name's status. */
export class RestError extends Error {
  constructor(
    readonly error: RestErrorName,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(error);
  }

  get status(): number {
    return REST_ERRORS[this.error].status;
  }

  body(): Record<string, unknown> {
    return { error: this.error, ...this.extra };
  }
}

/** A GraphQL error as the gateway returns it. */
export interface GraphQLErrorLike {
  message: string;
  extensions?: Record<string, unknown>;
}

/**
 * The one table from GraphQL error codes to REST errors. Messages of known codes are kept (they
 * are written for callers); anything unknown becomes a bare internal_error.
 */
export function restErrorOf(err: GraphQLErrorLike, httpStatus?: number): RestError {
  const code = String(err.extensions?.code ?? '');
  const ext = err.extensions ?? {};
  switch (code) {
    case 'UNAUTHENTICATED':
      return new RestError('invalid_token');
    case 'FORBIDDEN':
      return new RestError('forbidden', { message: err.message, ...(ext.reason ? { reason: ext.reason } : {}) });
    case 'NOT_FOUND':
      return new RestError('not_found');
    case 'CONFLICT':
      return new RestError('conflict', { message: err.message });
    case 'QUOTA_EXCEEDED':
      return new RestError('quota_exceeded', { quota: ext.quota ?? {} });
    case 'RATE_LIMITED': {
      const seconds = Number(ext.retry_after_seconds ?? 1);
      return new RestError('rate_limited', { retry_after_seconds: seconds }, { 'retry-after': String(seconds) });
    }
    case 'BAD_USER_INPUT':
    case 'GRAPHQL_VALIDATION_FAILED':
      return new RestError('invalid_input', { issues: Array.isArray(ext.issues) ? ext.issues : [{ field: String(ext.field ?? 'request'), message: err.message }] });
    case 'PAYLOAD_TOO_LARGE':
      return new RestError('payload_too_large');
    case 'SERVICE_UNAVAILABLE':
      return new RestError('service_unavailable', { message: err.message });
    default: {
      if (httpStatus === 401) return new RestError('invalid_token');
      // Not the caller's to see, but ours to know: the error middleware logs `cause`.
      const unknown = new RestError('internal_error');
      unknown.cause = `gateway answered ${code || 'an error without a code'}: ${err.message}`;
      return unknown;
    }
  }
}
