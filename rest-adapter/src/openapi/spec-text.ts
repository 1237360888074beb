import type { HeaderObject, ParameterObject, SecuritySchemeObject } from 'openapi3-ts/oas31';
import type { Dialect } from '../route.js';

/**
 * The prose of the spec: what the published documents leave open, decided here once and shown
 * to every reader of /docs.
 */
export const API_DESCRIPTION = `fixfirst speaks two published REST APIs on one server, each a thin layer over the GraphQL API
(every route runs committed GraphQL documents through the gateway with the caller's own credential):

- **Fix First** (\`/scan\`, \`/clients\`, \`/finding\`, \`/alerts\`, \`/billing\`): \`x-api-key\` on every call; an
  \`Authorization: Bearer <client JWT>\` alongside it narrows the call to that client. Report URLs
  (\`/scan/{job_id}/report/{type}\`) also take the key as \`?api_key=\`; no other route does.
- **v1** (\`/api/v1/…\`): \`Authorization: Bearer fxv_…\` (an API key or a client token).

**Errors.** Every error is JSON with an \`error\` key and nothing internal (no stack, no detail on 500):
\`invalid_token\` 401, \`forbidden\` 403, \`not_found\` 404 (another tenant's ids are not found too),
\`conflict\` 409, \`payload_too_large\` 413, \`quota_exceeded\` 429 (with \`quota\`), \`rate_limited\` 429 (with
\`retry_after_seconds\` and a \`Retry-After\` header), \`invalid_input\` 400 (with \`issues\`, one per bad field),
\`internal_error\` 500, \`service_unavailable\` 503. Unknown paths are \`404 {"error":"not_found"}\`.
Request bodies are JSON up to 1 MB; malformed JSON is \`invalid_input\` with the field \`body\`.

**Rate limits.** 10 requests per second and 60 per minute per credential (SHA-256 of it), shared by
every replica; answers carry \`RateLimit-Limit\`, \`RateLimit-Remaining\`, \`RateLimit-Reset\` and
\`RateLimit-Policy\`. Each GraphQL operation a route runs counts as one request.

**Idempotency.** Every POST takes an optional \`Idempotency-Key\` (1-255 visible ASCII characters),
scoped to the credential. Within 24 hours, the same key with the same request (path, query and
JSON body, key order aside) returns the first successful answer again (with
\`Idempotent-Replayed: true\`) without running it again; with another request it is \`409 conflict\`.
A second request arriving while the first still runs waits for it (up to 10 s) and then gets its
answer, or \`409 conflict\` if it is still running. Only successful answers are kept: after an
error the key is free and a retry runs again. Stored answers are encrypted under a key derived
from the credential and the Idempotency-Key, so a replayed \`/clients/register\` answer still
carries its token, and only to the caller that sent the same key with the same credential.`;

/** One tag group per dialect; a route's own tags are shown inside its dialect's label. */
export const DIALECT_TAGS: Record<Dialect, { label: string; description: string }> = {
  fixfirst: { label: 'Fix First', description: 'The Fix First API (x-api-key; Bearer client JWT narrows to one client).' },
  v1: { label: 'v1', description: 'The v1 REST API (Authorization: Bearer fxv_…).' },
};

export const SECURITY_SCHEMES: Record<string, SecuritySchemeObject> = {
  ApiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'An API key (`fxv_` + 43 base64url characters). Required on every Fix First call.' },
  ClientToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A client token issued once by `POST /clients/register`, sent with the x-api-key to act for that one client.',
  },
  BearerToken: { type: 'http', scheme: 'bearer', description: 'v1: an API key (`fxv_…`) or a client token.' },
  ApiKeyQuery: { type: 'apiKey', in: 'query', name: 'api_key', description: 'Report URLs only (they are opened in a browser): the API key as a query parameter.' },
};

export const IDEMPOTENCY_KEY_PARAMETER: ParameterObject = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Makes a retried POST safe: the same key and request within 24 h returns the first answer; another request with it is 409.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
  example: '5f0c2a9e-4d7b-4c55-9f1e-2b7c1d3e8a90',
};

const integer = (description: string): HeaderObject => ({ description, schema: { type: 'integer', minimum: 0 } });

/** Headers the answers carry: the caller's rate limit, Retry-After on 429, the replay marker. */
export const RATE_LIMIT_HEADERS: Record<'success' | 'limited' | 'replayed', Record<string, HeaderObject>> = {
  success: {
    'RateLimit-Limit': integer('Requests allowed in the window that binds now.'),
    'RateLimit-Remaining': integer('Requests left in that window.'),
    'RateLimit-Reset': integer('Seconds until that window resets.'),
    'RateLimit-Policy': { description: 'Every window, e.g. `10;w=1, 60;w=60`.', schema: { type: 'string' } },
  },
  limited: {
    'Retry-After': { description: 'Seconds to wait before retrying (rate_limited).', schema: { type: 'integer', minimum: 1 } },
    'RateLimit-Policy': { description: 'Every window, e.g. `10;w=1, 60;w=60`.', schema: { type: 'string' } },
  },
  replayed: {
    'Idempotent-Replayed': { description: '`true` when this is the stored answer of an earlier request with the same Idempotency-Key.', schema: { type: 'string', enum: ['true'] } },
  },
};
