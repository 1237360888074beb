import { looksLikeApiKey } from './api-key.js';
import { looksLikeJwt } from './client-token.js';

/**
 * What a request presents, by shape only (no lookup yet). `invalid` is anything that cannot be a
 * credential of ours: it is refused without touching the database.
 */
export type PresentedCredentials =
  | { kind: 'none' }
  | { kind: 'invalid' }
  | { kind: 'api_key'; key: string }
  | { kind: 'client_token'; token: string }
  /** Fix First sends both: the account's key, narrowed to one client by that client's token. */
  | { kind: 'api_key_and_client_token'; key: string; token: string };

/**
 * Reads `x-api-key` and `Authorization: Bearer`. A Bearer value is an API key or a client token;
 * alongside an x-api-key it must be a client token (or the same key). A malformed Authorization
 * header is refused unless an x-api-key carries the credential and the header is another scheme.
 */
export function presentedCredentials(get: (name: string) => string | null | undefined, keyPrefix: string): PresentedCredentials {
  const rawKey = get('x-api-key');
  const apiKey = rawKey && rawKey.trim() ? rawKey.trim() : null;
  const auth = get('authorization')?.trim() || null;
  let bearer: string | null = null;
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (m) bearer = m[1]!;
    else if (!apiKey || /^Bearer\b/i.test(auth)) return { kind: 'invalid' };
  }
  if (apiKey !== null) {
    if (!looksLikeApiKey(apiKey, keyPrefix)) return { kind: 'invalid' };
    if (bearer === null || bearer === apiKey) return { kind: 'api_key', key: apiKey };
    return looksLikeJwt(bearer) ? { kind: 'api_key_and_client_token', key: apiKey, token: bearer } : { kind: 'invalid' };
  }
  if (bearer === null) return { kind: 'none' };
  if (looksLikeApiKey(bearer, keyPrefix)) return { kind: 'api_key', key: bearer };
  if (looksLikeJwt(bearer)) return { kind: 'client_token', token: bearer };
  return { kind: 'invalid' };
}
