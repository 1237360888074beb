import { describe, expect, it } from 'vitest';
import { normalizeTarget } from '../target/target.js';
import { cidrContains, nameAndParents, proofCovers, subjectOf, toCidr } from './target-coverage.js';
import { applyCheck } from './verification-state.js';

describe('what an active scan must prove', () => {
  it('asks for the host name of domains and URLs, and the addresses of IPs, IP URLs and CIDRs', () => {
    expect(subjectOf(normalizeTarget('Shop.Example.com', 'DOMAIN'))).toEqual({ kind: 'NAME', name: 'shop.example.com' });
    expect(subjectOf(normalizeTarget('https://www.example.com:8443/a', 'URL'))).toEqual({ kind: 'NAME', name: 'www.example.com' });
    expect(subjectOf(normalizeTarget('http://[2001:DB8::1]/', 'URL'))).toEqual({ kind: 'ADDRESSES', cidr: '2001:db8::1/128' });
    expect(subjectOf(normalizeTarget('192.0.2.7', 'IP'))).toEqual({ kind: 'ADDRESSES', cidr: '192.0.2.7/32' });
    expect(subjectOf(normalizeTarget('192.0.2.9/29', 'CIDR'))).toEqual({ kind: 'ADDRESSES', cidr: '192.0.2.8/29' });
  });

  it('looks for a verification of the name or of a parent domain, never of a bare top-level label', () => {
    expect(nameAndParents('a.b.example.com')).toEqual(['a.b.example.com', 'b.example.com', 'example.com']);
    expect(nameAndParents('example.com')).toEqual(['example.com']);
  });

  it('covers a range only with an attestation containing all of it, in the same family', () => {
    expect(toCidr('10.1.2.3')).toBe('10.1.2.3/32');
    expect(toCidr('10.1.2.3/24')).toBe('10.1.2.0/24');
    expect(toCidr('10.1.2.3/33')).toBeNull();
    expect(cidrContains('10.1.2.0/24', '10.1.2.128/25')).toBe(true);
    expect(cidrContains('10.1.2.0/24', '10.1.2.0/23')).toBe(false);
    expect(cidrContains('10.1.2.0/24', '10.1.3.1/32')).toBe(false);
    expect(cidrContains('::/0', '10.1.2.3/32')).toBe(false);
    expect(cidrContains('2001:db8::/32', '2001:db8:1::5/128')).toBe(true);
  });
});

describe('a domain after a check', () => {
  const settings = { validDays: 30, recheckHours: 24 };
  const now = new Date('2026-11-24T12:00:00Z');
  const earlier = new Date('2026-11-20T12:00:00Z');
  const dnsVerified = { method: 'DNS' as const, verifiedAt: earlier, expiresAt: new Date('2026-12-20T12:00:00Z') };

  it('is verified for the validity window after a success', () => {
    expect(applyCheck({ method: null, verifiedAt: null, expiresAt: null }, 'HTTP', { ok: true }, now, settings)).toEqual({
      method: 'HTTP',
      verifiedAt: now,
      expiresAt: new Date('2026-12-24T12:00:00Z'),
      lastCheckedAt: now,
      lastError: null,
    });
  });

  it('loses its verification when the method it relies on fails, but not when another method fails', () => {
    expect(applyCheck(dnsVerified, 'DNS', { ok: false, reason: 'gone' }, now, settings)).toEqual({ method: null, verifiedAt: null, expiresAt: null, lastCheckedAt: now, lastError: 'DNS: gone' });
    expect(applyCheck(dnsVerified, 'HTTP', { ok: false, reason: 'answered 404' }, now, settings)).toEqual({ ...dnsVerified, lastCheckedAt: now, lastError: 'HTTP: answered 404' });
  });
});

describe('what a recorded proof covers at scan time', () => {
  it('a DNS-verified name covers itself and its subdomains; an HTTP file only its own host', () => {
    const dns = { evidenceKind: 'DOMAIN' as const, domain: 'shop.example', verificationMethod: 'DNS' };
    const http = { ...dns, verificationMethod: 'HTTP' };
    const at = (hostname: string) => ({ hostname, addresses: ['203.0.113.9'] });
    expect(proofCovers(dns, at('shop.example'))).toBe(true);
    expect(proofCovers(dns, at('api.shop.example'))).toBe(true);
    expect(proofCovers(dns, at('evilshop.example'))).toBe(false);
    expect(proofCovers(dns, at('example'))).toBe(false);
    expect(proofCovers(http, at('shop.example'))).toBe(true);
    expect(proofCovers(http, at('api.shop.example'))).toBe(false);
  });

  it('an attestation covers hosts whose every address is inside the attested range', () => {
    const proof = { evidenceKind: 'ATTESTATION' as const, attestedTarget: '127.0.0.0/30' };
    expect(proofCovers(proof, { hostname: '127.0.0.2', addresses: ['127.0.0.2'] })).toBe(true);
    expect(proofCovers(proof, { hostname: 'x', addresses: ['127.0.0.2', '127.0.0.4'] })).toBe(false);
    expect(proofCovers(proof, { hostname: 'x', addresses: [] })).toBe(false);
    expect(proofCovers({ evidenceKind: 'ATTESTATION', attestedTarget: null }, { hostname: 'x', addresses: ['127.0.0.2'] })).toBe(false);
  });
});
