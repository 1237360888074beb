import { describe, expect, it } from 'vitest';
import { AddressPolicy } from './address-policy.js';

const reasonOf = (policy: AddressPolicy, ip: string): string => {
  const verdict = policy.check(ip);
  if (verdict.allowed) throw new Error(`${ip} was unexpectedly allowed`);
  return verdict.reason;
};

describe('AddressPolicy', () => {
  const strict = new AddressPolicy([]);

  it('allows public unicast IPv4 and IPv6 addresses by default', () => {
    for (const ip of ['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '2a00:1450::1']) {
      expect(strict.check(ip), ip).toEqual({ allowed: true });
    }
  });

  it.each([
    ['0.1.2.3', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.8', 'IETF protocol assignment'],
    ['192.0.2.1', 'documentation'],
    ['192.88.99.1', '6to4 relay'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.1', 'benchmarking'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['64:ff9b::808:808', 'NAT64'],
    ['100::1', 'discard-only'],
    ['2001:db8::1', 'documentation'],
    ['2001::1', 'IETF special-purpose'],
    ['2001:1ff::1', 'IETF special-purpose'],
    ['fc00::1', 'unique local'],
    ['fd12:3456::1', 'unique local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
    ['fec0::1', 'global unicast'],
  ])('refuses %s as a %s address by default', (ip, category) => {
    expect(reasonOf(strict, ip)).toContain(category);
  });

  it('names the address, its category and the setting in the reason', () => {
    expect(reasonOf(strict, '127.0.0.1')).toBe(
      '127.0.0.1 is a loopback address and is not allowed by the scan policy (SCAN_ALLOW_CIDRS)',
    );
  });

  it('allows the neighbours of refused ranges', () => {
    for (const ip of ['11.0.0.1', '100.128.0.1', '172.32.0.1', '169.253.255.255', '198.20.0.1', '223.255.255.255']) {
      expect(strict.check(ip), ip).toEqual({ allowed: true });
    }
  });

  it('judges an IPv4-mapped IPv6 address as the IPv4 address it carries', () => {
    expect(reasonOf(strict, '::ffff:127.0.0.1')).toBe(
      '::ffff:127.0.0.1 (IPv4 127.0.0.1) is a loopback address and is not allowed by the scan policy (SCAN_ALLOW_CIDRS)',
    );
    expect(reasonOf(strict, '::ffff:a9fe:a9fe')).toContain('169.254.169.254');
    expect(strict.check('::ffff:8.8.8.8')).toEqual({ allowed: true });
    expect(new AddressPolicy(['127.0.0.0/8']).check('::FFFF:7f00:1')).toEqual({ allowed: true });
  });

  it('allows a refused address once the allow list covers it', () => {
    const policy = new AddressPolicy(['127.0.0.0/8', 'fd00::/8', '10.0.0.5']);
    expect(policy.check('127.0.0.3')).toEqual({ allowed: true });
    expect(policy.check('fd00::42')).toEqual({ allowed: true });
    expect(policy.check('10.0.0.5')).toEqual({ allowed: true });
    expect(reasonOf(policy, '10.0.0.6')).toContain('private');
    expect(reasonOf(policy, '::1')).toContain('loopback');
  });

  it('does not let an IPv6 allow entry cover IPv4 addresses', () => {
    const policy = new AddressPolicy(['::/0']);
    expect(policy.check('::1')).toEqual({ allowed: true });
    expect(reasonOf(policy, '127.0.0.1')).toContain('loopback');
  });

  it('treats an IPv4-mapped allow entry as the IPv4 range it denotes', () => {
    const policy = new AddressPolicy(['::ffff:127.0.0.0/104']);
    expect(policy.check('127.9.9.9')).toEqual({ allowed: true });
  });

  it('refuses a string that is not an IP address', () => {
    expect(reasonOf(strict, 'example.com')).toContain('is not an IP address');
  });

  it('parses comma and space separated entries and describes them', () => {
    const policy = AddressPolicy.parse(' 127.0.0.0/8, 10.0.0.0/8  ::1 ,');
    expect(policy.describe()).toEqual(['127.0.0.0/8', '10.0.0.0/8', '::1']);
    expect(policy.check('10.9.9.9')).toEqual({ allowed: true });
    expect(policy.check('::1')).toEqual({ allowed: true });
  });

  it('parses an undefined or empty setting as the default policy', () => {
    expect(AddressPolicy.parse(undefined).describe()).toEqual([]);
    expect(AddressPolicy.parse('').check('127.0.0.1').allowed).toBe(false);
  });

  it.each(['127.0.0.0/33', '10.0.0.0/x', 'not-an-ip', '10.0.0/8', '::1/129', '1.2.3.4/8/9', '10.0.0.1/-1'])(
    'throws an error naming the malformed entry %s',
    (entry) => {
      expect(() => AddressPolicy.parse(`127.0.0.0/8,${entry}`)).toThrow(`"${entry}"`);
    },
  );
});
