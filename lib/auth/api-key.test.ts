import { describe, expect, it } from 'vitest';
import { credentialFromHeaders, generateApiKey, hashCredential, keyPreview, looksLikeApiKey } from './api-key.js';

describe('API keys', () => {
  it('are the prefix and 43 base64url characters, different every time', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a).toMatch(/^fxv_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(generateApiKey('fxw_')).toMatch(/^fxw_[A-Za-z0-9_-]{43}$/);
  });

  it('are recognised by shape only with the right prefix and length', () => {
    const key = generateApiKey();
    expect(looksLikeApiKey(key)).toBe(true);
    expect(looksLikeApiKey(key, 'fxw_')).toBe(false);
    expect(looksLikeApiKey(key.slice(0, -1))).toBe(false);
    expect(looksLikeApiKey(key + 'A')).toBe(false);
    expect(looksLikeApiKey('fxv_' + '!'.repeat(43))).toBe(false);
  });

  it('are stored as a SHA-256 hex digest, never as themselves', () => {
    const key = generateApiKey();
    const digest = hashCredential(key);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).not.toContain(key.slice(4, 20));
    expect(hashCredential(key)).toBe(digest);
    expect(keyPreview(key)).toBe(key.slice(0, 8));
  });

  it('are read from x-api-key first, then from Authorization: Bearer', () => {
    const headers = (h: Record<string, string>) => (n: string) => h[n] ?? null;
    expect(credentialFromHeaders(headers({ 'x-api-key': ' k1 ', authorization: 'Bearer k2' }))).toBe('k1');
    expect(credentialFromHeaders(headers({ authorization: 'Bearer k2' }))).toBe('k2');
    expect(credentialFromHeaders(headers({ authorization: 'bearer   k3 ' }))).toBe('k3');
    expect(credentialFromHeaders(headers({ authorization: 'Basic abc' }))).toBeNull();
    expect(credentialFromHeaders(headers({}))).toBeNull();
  });
});
