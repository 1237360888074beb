import { describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../../../lib/net/address-policy.js';
import {
  checkTargetAddresses,
  normalizeTarget,
  TargetInputError,
  type Resolver,
  type TargetType,
} from './target.js';

function inputError(fn: () => unknown): TargetInputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TargetInputError);
    return error as TargetInputError;
  }
  throw new Error('expected a TargetInputError');
}

const messageOf = (raw: string, type: TargetType, maxCidrHosts?: number): string =>
  inputError(() => normalizeTarget(raw, type, { maxCidrHosts })).message;

describe('normalizeTarget', () => {
  it('rejects an empty target', () => {
    const error = inputError(() => normalizeTarget('   ', 'DOMAIN'));
    expect(error.field).toBe('target');
    expect(error.message).toBe('target is required');
  });

  it('rejects a target longer than 2048 characters and says the limit', () => {
    expect(messageOf(`https://example.com/${'a'.repeat(2100)}`, 'URL')).toContain('2048');
  });

  it('rejects whitespace and control characters inside the target', () => {
    expect(messageOf('exa mple.com', 'DOMAIN')).toContain('whitespace or control characters');
    expect(messageOf('example.com\u0000', 'DOMAIN')).toContain('control characters');
    expect(messageOf('https://example.com/\r\nX: y', 'URL')).toContain('control characters');
  });

  it('rejects an unknown target type on the targetType field', () => {
    const error = inputError(() => normalizeTarget('example.com', 'HOST' as TargetType));
    expect(error.field).toBe('targetType');
    expect(error.message).toContain('IP, DOMAIN, URL, CIDR');
  });

  describe('DOMAIN', () => {
    it('lower-cases, trims, strips one trailing dot and lists https before http', () => {
      expect(normalizeTarget('  WWW.Example.COM. ', 'DOMAIN')).toEqual({
        type: 'DOMAIN',
        value: 'www.example.com',
        hosts: [{ hostname: 'www.example.com', urls: ['https://www.example.com/', 'http://www.example.com/'] }],
      });
    });

    it('converts an internationalised name to punycode', () => {
      expect(normalizeTarget('Bücher.example', 'DOMAIN').value).toBe('xn--bcher-kva.example');
    });

    it.each([
      ['localhost', 'must contain a dot'],
      ['-bad.example.com', 'invalid label "-bad"'],
      ['bad-.example.com', 'invalid label "bad-"'],
      ['under_score.example.com', 'under_score'],
      ['a..example.com', 'empty label'],
      [`${'a'.repeat(64)}.example.com`, 'longer than 63'],
      [`${'abcdefghi.'.repeat(26)}com`, 'longer than 253'],
      ['example.com..', 'empty label'],
      ['192.0.2.1', 'is an IP address'],
      ['::1', 'is an IP address'],
      ['127.1', 'looks like an IP address'],
      ['0x7f.0.0.1', 'looks like an IP address'],
    ])('rejects %s with a message containing "%s"', (raw, expected) => {
      expect(messageOf(raw, 'DOMAIN')).toContain(expected);
    });
  });

  describe('IP', () => {
    it('accepts IPv4 and lists https before http', () => {
      expect(normalizeTarget('192.0.2.10', 'IP')).toEqual({
        type: 'IP',
        value: '192.0.2.10',
        hosts: [{ hostname: '192.0.2.10', ip: '192.0.2.10', urls: ['https://192.0.2.10/', 'http://192.0.2.10/'] }],
      });
    });

    it('canonicalises IPv6 and brackets it in URLs', () => {
      const target = normalizeTarget('2001:DB8:0:0::0001', 'IP');
      expect(target.value).toBe('2001:db8::1');
      expect(target.hosts[0]!.urls).toEqual(['https://[2001:db8::1]/', 'http://[2001:db8::1]/']);
    });

    it.each(['example.com', '1.2.3', '256.1.1.1', '010.0.0.1', 'fe80::1%eth0', '[::1]'])(
      'rejects %s as not an address',
      (raw) => {
        expect(messageOf(raw, 'IP')).toContain('is not a valid IPv4 or IPv6 address');
      },
    );
  });

  describe('URL', () => {
    it('lower-cases the host, removes the default port and drops the fragment', () => {
      const target = normalizeTarget('HTTPS://Example.COM.:443/a/b?q=1#frag', 'URL');
      expect(target.value).toBe('https://example.com/a/b?q=1');
      expect(target.hosts).toEqual([{ hostname: 'example.com', urls: ['https://example.com/a/b?q=1'] }]);
    });

    it('keeps a non-default port', () => {
      expect(normalizeTarget('http://example.com:8080', 'URL').value).toBe('http://example.com:8080/');
    });

    it('records an IP literal host, canonicalised, as the host address', () => {
      expect(normalizeTarget('http://[2001:DB8::0:1]:80/x', 'URL').hosts).toEqual([
        { hostname: '2001:db8::1', ip: '2001:db8::1', urls: ['http://[2001:db8::1]/x'] },
      ]);
      expect(normalizeTarget('http://0x7f.1/', 'URL').hosts[0]!.ip).toBe('127.0.0.1');
    });

    it('converts an internationalised host to punycode', () => {
      expect(normalizeTarget('https://bücher.example/', 'URL').value).toBe('https://xn--bcher-kva.example/');
    });

    it.each([
      ['ftp://example.com/', 'URL scheme "ftp" is not supported'],
      ['javascript:alert(1)', 'URL scheme "javascript" is not supported'],
      ['example.com/path', 'is not an absolute URL'],
      ['https://user:pw@example.com/', 'URL must not contain credentials'],
      ['https://user@example.com/', 'URL must not contain credentials'],
      ['http://', 'is not a valid URL'],
      ['http://exa_mple.com/', 'invalid label'],
      ['http://intranet/', 'must contain a dot'],
    ])('rejects %s', (raw, expected) => {
      expect(messageOf(raw, 'URL')).toContain(expected);
    });
  });

  describe('CIDR', () => {
    it('normalises to the network address and excludes network and broadcast for IPv4', () => {
      const target = normalizeTarget('192.0.2.77/30', 'CIDR');
      expect(target.value).toBe('192.0.2.76/30');
      expect(target.hosts.map((h) => h.ip)).toEqual(['192.0.2.77', '192.0.2.78']);
      expect(target.hosts[0]!.urls).toEqual(['https://192.0.2.77/', 'http://192.0.2.77/']);
    });

    it('keeps both addresses of a /31 and the single address of a /32', () => {
      expect(normalizeTarget('192.0.2.0/31', 'CIDR').hosts.map((h) => h.ip)).toEqual(['192.0.2.0', '192.0.2.1']);
      expect(normalizeTarget('192.0.2.9/32', 'CIDR').hosts.map((h) => h.ip)).toEqual(['192.0.2.9']);
    });

    it('allows a /24 by default and lists its 254 hosts', () => {
      const target = normalizeTarget('198.51.100.0/24', 'CIDR');
      expect(target.hosts).toHaveLength(254);
      expect(target.hosts.at(-1)!.ip).toBe('198.51.100.254');
    });

    it('expands an IPv6 prefix with every address and bracketed URLs', () => {
      const target = normalizeTarget('2001:DB8::5/126', 'CIDR');
      expect(target.value).toBe('2001:db8::4/126');
      expect(target.hosts.map((h) => h.ip)).toEqual(['2001:db8::4', '2001:db8::5', '2001:db8::6', '2001:db8::7']);
      expect(target.hosts[0]!.urls[0]).toBe('https://[2001:db8::4]/');
    });

    it('refuses a range larger than the limit and says the limit', () => {
      expect(messageOf('10.0.0.0/16', 'CIDR')).toBe('CIDR 10.0.0.0/16 has 65536 addresses; the limit is 256 (/24)');
      expect(messageOf('10.0.0.0/28', 'CIDR', 8)).toBe('CIDR 10.0.0.0/28 has 16 addresses; the limit is 8 (/29)');
      expect(messageOf('2001:db8::/64', 'CIDR')).toContain('the limit is 256 (/120)');
    });

    it.each([
      ['10.0.0.0', 'is not a CIDR'],
      ['10.0.0.0/8/1', 'is not a CIDR'],
      ['10.0.0/8', '"10.0.0"'],
      ['10.0.0.0/33', 'prefix "/33"'],
      ['10.0.0.0/', 'prefix "/"'],
      ['10.0.0.0/2a', 'prefix "/2a"'],
      ['2001:db8::/129', 'prefix "/129"'],
    ])('rejects %s naming the bad part', (raw, expected) => {
      expect(messageOf(raw, 'CIDR')).toContain(expected);
    });
  });
});

describe('checkTargetAddresses', () => {
  const loopbackAllowed = new AddressPolicy(['127.0.0.0/8']);
  const fakeResolver =
    (table: Record<string, string[]>, calls: string[] = []): Resolver =>
    async (hostname) => {
      calls.push(hostname);
      const addresses = table[hostname];
      if (!addresses) throw Object.assign(new Error(`queryA ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return addresses;
    };

  it('returns the checked addresses of each resolved host', async () => {
    const calls: string[] = [];
    const target = normalizeTarget('app.example.com', 'DOMAIN');
    const result = await checkTargetAddresses(target, loopbackAllowed, fakeResolver({ 'app.example.com': ['127.0.0.2', '::ffff:127.0.0.3'] }, calls));
    expect([...result]).toEqual([['app.example.com', ['127.0.0.2', '::ffff:127.0.0.3']]]);
    expect(calls).toEqual(['app.example.com']);
  });

  it('does not resolve IP literals', async () => {
    const calls: string[] = [];
    const target = normalizeTarget('127.0.0.0/30', 'CIDR');
    const result = await checkTargetAddresses(target, loopbackAllowed, fakeResolver({}, calls));
    expect([...result.keys()]).toEqual(['127.0.0.1', '127.0.0.2']);
    expect(calls).toEqual([]);
  });

  it('refuses a name when any one of its addresses is refused', async () => {
    const target = normalizeTarget('https://mixed.example.com/', 'URL');
    const resolve = fakeResolver({ 'mixed.example.com': ['8.8.8.8', '169.254.169.254'] });
    const error = await checkTargetAddresses(target, new AddressPolicy([]), resolve).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TargetInputError);
    expect((error as TargetInputError).field).toBe('target');
    expect((error as TargetInputError).message).toBe(
      'mixed.example.com resolves to 169.254.169.254: 169.254.169.254 is a link-local (cloud metadata) address and is not allowed by the scan policy (SCAN_ALLOW_CIDRS)',
    );
  });

  it('refuses an IP target outside the policy with the policy reason', async () => {
    const target = normalizeTarget('10.1.2.3', 'IP');
    await expect(checkTargetAddresses(target, loopbackAllowed, fakeResolver({}))).rejects.toThrow(
      '10.1.2.3 is a private address and is not allowed by the scan policy (SCAN_ALLOW_CIDRS)',
    );
  });

  it('says a name could not be resolved when the resolver fails or returns nothing', async () => {
    const missing = normalizeTarget('missing.example.com', 'DOMAIN');
    await expect(checkTargetAddresses(missing, loopbackAllowed, fakeResolver({}))).rejects.toThrow(
      'could not resolve missing.example.com',
    );
    const empty = normalizeTarget('empty.example.com', 'DOMAIN');
    await expect(checkTargetAddresses(empty, loopbackAllowed, fakeResolver({ 'empty.example.com': [] }))).rejects.toThrow(
      new TargetInputError('target', 'could not resolve empty.example.com'),
    );
  });
});
