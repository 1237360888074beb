import { describe, expect, it } from 'vitest';
import { generateApiKey } from './api-key.js';
import { presentedCredentials } from './presented-credentials.js';
import { sourceIpOf, userAgentOf } from './request-origin.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
const read = (h: Record<string, string>) => presentedCredentials((n) => h[n] ?? null, 'fxv_');

describe('presented credentials', () => {
  const key = generateApiKey();

  it('reads a key from x-api-key or Bearer, a client token from Bearer, both together', () => {
    expect(read({ 'x-api-key': ` ${key} ` })).toEqual({ kind: 'api_key', key });
    expect(read({ authorization: `bearer  ${key}` })).toEqual({ kind: 'api_key', key });
    expect(read({ 'x-api-key': key, authorization: `Bearer ${key}` })).toEqual({ kind: 'api_key', key });
    expect(read({ authorization: `Bearer ${JWT}` })).toEqual({ kind: 'client_token', token: JWT });
    expect(read({ 'x-api-key': key, authorization: `Bearer ${JWT}` })).toEqual({ kind: 'api_key_and_client_token', key, token: JWT });
    expect(read({ 'x-api-key': key, authorization: 'Basic dXNlcjpwYXNz' })).toEqual({ kind: 'api_key', key });
    expect(read({})).toEqual({ kind: 'none' });
  });

  it('refuses every malformed shape before any lookup', () => {
    const shapes: Record<string, string>[] = [
      { 'x-api-key': 'fxw_' + key.slice(4) },
      { 'x-api-key': key.slice(0, -1) },
      { 'x-api-key': key + 'A' },
      { 'x-api-key': JWT },
      { authorization: 'Bearer garbage' },
      { authorization: 'Bearer' },
      { authorization: 'Basic dXNlcjpwYXNz' },
      { authorization: `Bearer ${key} extra` },
      { 'x-api-key': key, authorization: 'Bearer garbage' },
      { 'x-api-key': key, authorization: `Bearer ${generateApiKey()}` },
    ];
    for (const h of shapes) {
      expect(read(h), JSON.stringify(h).slice(0, 40)).toEqual({ kind: 'invalid' });
    }
  });
});

describe('request origin', () => {
  it('believes X-Forwarded-For only as far as the trusted proxies go', () => {
    expect(sourceIpOf('::ffff:10.0.0.5', '198.51.100.7', 0)).toBe('10.0.0.5');
    expect(sourceIpOf('10.0.0.5', '6.6.6.6, 198.51.100.7', 1)).toBe('198.51.100.7');
    expect(sourceIpOf('10.0.0.5', '198.51.100.7, 10.0.0.9', 2)).toBe('198.51.100.7');
    expect(sourceIpOf('10.0.0.5', 'not-an-ip', 1)).toBe('10.0.0.5');
    expect(sourceIpOf('10.0.0.5', '198.51.100.7', 5)).toBe('198.51.100.7');
    expect(sourceIpOf(undefined, null, 0)).toBeNull();
  });

  it('keeps a clean, bounded User-Agent', () => {
    expect(userAgentOf('curl/8.5.0\r\nX-Evil: 1')).toBe('curl/8.5.0X-Evil: 1');
    expect(userAgentOf('a'.repeat(2000))).toHaveLength(512);
    expect(userAgentOf('  ')).toBeNull();
  });
});
