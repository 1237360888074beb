import type { SchemaObject } from 'openapi3-ts/oas31';
import { REST_ERRORS, type RestErrorName } from '../errors.js';

/** Component name of an error's schema. */
export const errorSchemaName = (name: RestErrorName): string => `Error_${name}`;

const message: SchemaObject = { type: 'string', description: 'What went wrong, in words written for the caller.' };

/** The documented extra fields of each error beyond `error` (and an optional `message`). */
const EXTRA: Record<RestErrorName, { properties: Record<string, SchemaObject>; required: string[] }> = {
  invalid_token: { properties: { message }, required: [] },
  forbidden: {
    properties: { message, reason: { type: 'string', description: 'A machine-readable reason, when there is one (e.g. the missing scope or authorisation).' } },
    required: [],
  },
  not_found: { properties: { message }, required: [] },
  conflict: { properties: { message }, required: [] },
  payload_too_large: { properties: { message }, required: [] },
  quota_exceeded: {
    properties: {
      message,
      quota: {
        type: 'object',
        description: "The client's scan quota for the current period.",
        properties: {
          limit: { type: 'integer', description: 'Scans allowed in the period.' },
          used: { type: 'integer', description: 'Scans used in the period.' },
          period_end: { type: ['string', 'null'], format: 'date-time', description: 'When the period ends (null: the trial has no period).' },
        },
        required: ['limit', 'used'],
      },
    },
    required: ['quota'],
  },
  rate_limited: {
    properties: { message, retry_after_seconds: { type: 'integer', minimum: 1, description: 'Seconds to wait before retrying (also sent as Retry-After).' } },
    required: ['retry_after_seconds'],
  },
  invalid_input: {
    properties: {
      message,
      issues: {
        type: 'array',
        minItems: 1,
        description: 'One entry per bad field.',
        items: {
          type: 'object',
          properties: {
            field: { type: 'string', description: 'The field: a body property (dotted for nested ones), a query or path parameter, `body` or `Idempotency-Key`.' },
            message: { type: 'string' },
          },
          required: ['field', 'message'],
          additionalProperties: false,
        },
      },
    },
    required: ['issues'],
  },
  // Nothing about an internal failure is disclosed: the body is this one key.
  internal_error: { properties: {}, required: [] },
  not_implemented: { properties: { message }, required: ['message'] },
  service_unavailable: { properties: { message }, required: [] },
};

/** The JSON Schema of one error's body. */
export function errorSchema(name: RestErrorName): SchemaObject {
  const extra = EXTRA[name];
  return {
    type: 'object',
    description: REST_ERRORS[name].description,
    properties: { error: { type: 'string', const: name }, ...extra.properties },
    required: ['error', ...extra.required],
    additionalProperties: false,
  };
}

/** An example body of each error, as the published documents show them where they do. */
export const ERROR_EXAMPLES: Record<RestErrorName, Record<string, unknown>> = {
  invalid_token: { error: 'invalid_token' },
  forbidden: { error: 'forbidden', message: 'Active scans need a paid plan and a verified, authorised domain' },
  not_found: { error: 'not_found' },
  conflict: { error: 'conflict', message: 'This Idempotency-Key was already used with another request; use a new key for a new request' },
  payload_too_large: { error: 'payload_too_large' },
  quota_exceeded: { error: 'quota_exceeded', quota: { limit: 2, used: 2, period_end: null } },
  rate_limited: { error: 'rate_limited', retry_after_seconds: 47 },
  invalid_input: { error: 'invalid_input', issues: [{ field: 'target', message: 'Invalid input: expected string, received undefined' }] },
  internal_error: { error: 'internal_error' },
  not_implemented: { error: 'not_implemented', message: 'Set CHROMIUM_PATH to a Chromium (e.g. Debian\'s chromium) to render PDF' },
  service_unavailable: { error: 'service_unavailable', message: 'The API is temporarily unavailable; retry shortly' },
};

/** Every error name, in the table's order. */
export const ERROR_NAMES = Object.keys(REST_ERRORS) as RestErrorName[];
