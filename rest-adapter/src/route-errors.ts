import { REST_ERRORS, type RestErrorName } from './errors.js';
import type { RouteDef } from './route.js';

/**
 * The errors a route can answer: the ones it lists, plus the ones the framework itself produces
 * around every handler. Both the OpenAPI document and the test helper that checks responses
 * against it use this list, so a route cannot answer an error its spec does not show.
 *  - every route: invalid_token (credential missing or refused), rate_limited, internal_error,
 *    service_unavailable (the gateway is unreachable);
 *  - a query or a body: invalid_input; a body: payload_too_large and malformed JSON (invalid_input);
 *  - path parameters: not_found when the route does not list invalid_input (an id that is not a UUID);
 *  - POST: conflict (an Idempotency-Key reused with another body, or still in progress).
 */
export function effectiveErrors(route: RouteDef): RestErrorName[] {
  const names = new Set<RestErrorName>(route.errors);
  names.add('invalid_token');
  names.add('rate_limited');
  names.add('internal_error');
  names.add('service_unavailable');
  if (route.query || route.body) names.add('invalid_input');
  if (route.body || route.method !== 'get') names.add('payload_too_large');
  if (route.method !== 'get') names.add('invalid_input');
  if (route.params && !route.errors.includes('invalid_input')) names.add('not_found');
  if (route.method === 'post') names.add('conflict');
  return [...names].sort((a, b) => REST_ERRORS[a].status - REST_ERRORS[b].status || a.localeCompare(b));
}
