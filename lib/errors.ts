import { GraphQLError } from 'graphql';

/** Stable error codes shared by every subgraph; the REST adapter maps them to HTTP. */
export type ErrorCode =
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'QUOTA_EXCEEDED'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

/** Base of every domain error: a GraphQLError carrying `extensions.code`. */
export class DomainError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

/** A missing or foreign object: never says which. */
export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} not found`);
  }
}

/** The caller may not do this (e.g. missing scope, active scan without authorisation). */
export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

/** No valid credential, or a subgraph called without a gateway-signed identity. */
export class UnauthenticatedError extends DomainError {
  constructor(message = 'A valid API key is required (x-api-key or Authorization: Bearer)') {
    super('UNAUTHENTICATED', message, { http: { status: 401 } });
  }
}

/** One problem with one input field. */
export interface InputIssue {
  field: string;
  message: string;
}

/** Bad input: names every offending field in `extensions.issues` and in the message. */
export class BadUserInputError extends DomainError {
  readonly issues: InputIssue[];
  constructor(issues: InputIssue[]) {
    super('BAD_USER_INPUT', issues.map((i) => `${i.field}: ${i.message}`).join('; '), {
      issues,
      field: issues[0]?.field,
    });
    this.issues = issues;
  }
}

/** The request conflicts with the object's current state (e.g. cancelling a scan that ended). */
export class ConflictError extends DomainError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

/** The scan quota of the client's plan is used up for the current period. */
export class QuotaExceededError extends DomainError {
  constructor(quota: { limit: number; used: number; periodEnd: Date | null }) {
    super('QUOTA_EXCEEDED', `Scan quota exceeded: ${quota.used} of ${quota.limit} used`, {
      quota: { limit: quota.limit, used: quota.used, period_end: quota.periodEnd?.toISOString() ?? null },
    });
  }
}

/** A feature this deployment has not configured (e.g. billing without Stripe keys): `message` says what to set. */
export class ServiceUnavailableError extends DomainError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super('SERVICE_UNAVAILABLE', message, extensions);
  }
}
