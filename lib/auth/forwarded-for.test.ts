import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddressOf, ForwardedForSigner, ForwardedForVerifier, trustForwardedFor } from './forwarded-for.js';

const SECRET = 'a-secret-of-at-least-thirty-two-characters!';
const fakeRequest = (remoteAddress: string, headers: Record<string, string> = {}) => ({ socket: { remoteAddress }, headers }) as unknown as IncomingMessage;

describe('the REST adapter\'s signed caller address', () => {
  const signer = new ForwardedForSigner(SECRET);
  const verifier = new ForwardedForVerifier(SECRET);

  it('verifies IPv4 and IPv6 addresses it signed', () => {
    expect(verifier.verify(signer.sign('198.51.100.7'))).toBe('198.51.100.7');
    expect(verifier.verify(signer.sign('2001:db8::1'))).toBe('2001:db8::1');
  });

  it('refuses another secret, a changed address, a stale or future signature and garbage', () => {
    const now = Math.floor(Date.now() / 1000);
    const header = signer.sign('198.51.100.7', now);
    expect(new ForwardedForVerifier('another-secret-of-at-least-thirty-two-chars').verify(header)).toBeNull();
    expect(verifier.verify(header.replace('198.51.100.7', '198.51.100.8'))).toBeNull();
    expect(verifier.verify(signer.sign('198.51.100.7', now - 120), now)).toBeNull();
    expect(verifier.verify(signer.sign('198.51.100.7', now + 120), now)).toBeNull();
    for (const junk of ['', '198.51.100.7', '198.51.100.7.x.y', 'not-an-ip.1.abc', '.'.repeat(300)]) expect(verifier.verify(junk)).toBeNull();
  });

  it('prefers a verified address over the socket and X-Forwarded-For, and ignores the header otherwise', () => {
    const req = fakeRequest('127.0.0.1', { 'x-forwarded-for': '203.0.113.1' });
    expect(clientAddressOf(req, 0)).toBe('127.0.0.1');
    expect(clientAddressOf(req, 1)).toBe('203.0.113.1');
    trustForwardedFor(req, '198.51.100.7');
    expect(clientAddressOf(req, 0)).toBe('198.51.100.7');
    expect(clientAddressOf(req, 1)).toBe('198.51.100.7');
  });
});
