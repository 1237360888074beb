import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url: always 43 characters. */
const KEY_BODY = /^[A-Za-z0-9_-]{43}$/;

/** Creates a new API key `<prefix>` + 43 base64url characters. The plaintext is never stored. */
export function generateApiKey(prefix = 'fxv_'): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** SHA-256 (hex) of a credential: what the database stores and what rate limits key on. */
export function hashCredential(plaintext: string): string {
  return createHash('sha256').update(plaintext, 'utf8').digest('hex');
}

/** Shape check before any database lookup: prefix, then exactly 43 base64url characters. */
export function looksLikeApiKey(candidate: string, prefix = 'fxv_'): boolean {
  return candidate.startsWith(prefix) && KEY_BODY.test(candidate.slice(prefix.length));
}

/** The first characters of a key, safe to show in listings ("fxv_AbCd…"). */
export function keyPreview(plaintext: string, prefix = 'fxv_'): string {
  return plaintext.slice(0, prefix.length + 4);
}

/** Constant-time equality of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Reads the credential from `x-api-key` or `Authorization: Bearer`. */
export function credentialFromHeaders(get: (name: string) => string | null | undefined): string | null {
  const apiKey = get('x-api-key');
  if (apiKey && apiKey.trim()) return apiKey.trim();
  const auth = get('authorization');
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1]!;
  }
  return null;
}
