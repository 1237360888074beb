import { describe, expect, it } from 'vitest';
import { bigIntToIp, canonicalIp, formatIp, ipToBigInt, parseIp } from './ip.js';

describe('ip helpers', () => {
  it.each([
    ['192.168.0.1', '192.168.0.1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0001:0000:0000:0000:0000', '2001:db8:0:1::'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['::1', '::1'],
    ['1:0:1:1:1:1:1:1', '1:0:1:1:1:1:1:1'],
    ['::ffff:7f00:1', '::ffff:127.0.0.1'],
    ['::FFFF:127.0.0.1', '::ffff:127.0.0.1'],
    ['64:ff9b::8.8.8.8', '64:ff9b::808:808'],
    ['fe80::1%eth0', 'fe80::1'],
  ])('writes %s in canonical form as %s', (input, expected) => {
    expect(canonicalIp(input)).toBe(expected);
  });

  it('returns null for text that is not an IP literal', () => {
    expect(parseIp('example.com')).toBeNull();
    expect(parseIp('1.2.3')).toBeNull();
    expect(canonicalIp('::g')).toBeNull();
  });

  it('round-trips addresses through big integers', () => {
    const v6 = parseIp('2001:db8::ff')!;
    expect(ipToBigInt(parseIp('10.0.1.2')!)).toBe(0x0a000102n);
    expect(formatIp(bigIntToIp(ipToBigInt(v6) + 1n, 6))).toBe('2001:db8::100');
    expect(formatIp(bigIntToIp(0xc0a80001n, 4))).toBe('192.168.0.1');
  });
});
