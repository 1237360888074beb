import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanDns } from '../../subgraphs/scans/src/scanner/scan-dns.js';
import { answer, parseQuery, startDnsServer, type LabDnsServer } from './dns-server.js';

const HOST = '127.0.0.15';

describe('lab DNS server', () => {
  let dns: LabDnsServer;
  let resolver: Resolver;

  beforeAll(async () => {
    dns = await startDnsServer({
      host: HOST,
      port: 0,
      zone: {
        'lab.example': { A: ['192.0.2.10', '192.0.2.11'], AAAA: ['2001:db8::1', '::ffff:192.0.2.1'], TXT: ['v=spf1 -all', ['part one ', 'part two']] },
        'Mixed.Case.Example.': { TXT: ['hello'] },
        'v4only.example': { A: ['192.0.2.20'] },
        'long.example': { TXT: ['x'.repeat(300)] },
      },
    });
    resolver = new Resolver({ timeout: 2_000, tries: 1 });
    resolver.setServers([dns.server]);
  });
  afterAll(async () => {
    await dns.close();
  });

  it('listens on the given loopback address', () => {
    expect(dns.address).toBe(HOST);
    expect(dns.port).toBeGreaterThan(0);
    expect(dns.server).toBe(`${HOST}:${dns.port}`);
  });

  it('answers A, AAAA and TXT from the zone', async () => {
    expect(await resolver.resolve4('lab.example')).toEqual(['192.0.2.10', '192.0.2.11']);
    expect(await resolver.resolve6('lab.example')).toEqual(['2001:db8::1', '::ffff:192.0.2.1']);
    expect(await resolver.resolveTxt('lab.example')).toEqual([['v=spf1 -all'], ['part one ', 'part two']]);
  });

  it('splits a TXT string longer than 255 bytes into character-strings', async () => {
    const [record] = await resolver.resolveTxt('long.example');
    expect(record!.map((s) => s.length)).toEqual([255, 45]);
    expect(record!.join('')).toBe('x'.repeat(300));
  });

  it('matches names case-insensitively and ignores a trailing dot in the zone', async () => {
    expect(await resolver.resolveTxt('mixed.case.EXAMPLE')).toEqual([['hello']]);
  });

  it('answers NXDOMAIN for unknown names and no data for a known name without the type', async () => {
    await expect(resolver.resolveTxt('missing.example')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolveTxt('v4only.example')).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(resolver.resolve6('v4only.example')).rejects.toMatchObject({ code: 'ENODATA' });
  });

  it('serves zone changes made at run time', async () => {
    dns.zone['changing.example'] = { TXT: ['first'] };
    expect(await resolver.resolveTxt('changing.example')).toEqual([['first']]);
    dns.zone['changing.example'] = { TXT: ['second'] };
    expect(await resolver.resolveTxt('changing.example')).toEqual([['second']]);
    delete dns.zone['changing.example'];
    await expect(resolver.resolveTxt('changing.example')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('records every question with its name and type', async () => {
    const before = dns.queries.length;
    await resolver.resolveTxt('v4only.example').catch(() => undefined);
    await resolver.resolve4('v4only.example');
    expect(dns.queries.slice(before)).toEqual([
      { name: 'v4only.example', type: 'TXT' },
      { name: 'v4only.example', type: 'A' },
    ]);
  });

  it('answers FORMERR to a query with two questions and ignores responses', () => {
    const twoQuestions = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 2, 0, 0, 0, 0, 0, 0, 0]);
    const reply = answer(twoQuestions, {})!;
    expect(reply.readUInt16BE(0)).toBe(0x1234);
    expect(reply[3]! & 0x0f).toBe(1);
    const response = Buffer.from(twoQuestions);
    response[2] = 0x81;
    expect(answer(response, {})).toBeNull();
  });

  it('sets TC when an answer does not fit a classic 512-byte datagram', () => {
    const query = Buffer.concat([
      Buffer.from([0, 7, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]),
      Buffer.from([3, ...Buffer.from('big'), 7, ...Buffer.from('example'), 0, 0, 16, 0, 1]),
    ]);
    expect(parseQuery(query).name).toBe('big.example');
    const reply = answer(query, { 'big.example': { TXT: Array.from({ length: 4 }, () => 'y'.repeat(200)) } })!;
    expect(reply[2]! & 0x02).toBe(0x02);
    expect(reply.readUInt16BE(6)).toBe(0);
  });

  describe('with ScanDns', () => {
    it('resolves addresses and TXT records through DNS_SERVERS', async () => {
      const scanDns = ScanDns.fromEnv(dns.server);
      expect(await scanDns.addresses('lab.example')).toEqual(['192.0.2.10', '192.0.2.11', '2001:db8::1', '::ffff:192.0.2.1']);
      expect(await scanDns.addresses('v4only.example')).toEqual(['192.0.2.20']);
      expect(await scanDns.txt('lab.example')).toEqual(['v=spf1 -all', 'part one part two']);
    });

    it('returns no TXT records for unknown names and names without TXT', async () => {
      const scanDns = new ScanDns([dns.server]);
      expect(await scanDns.txt('missing.example')).toEqual([]);
      expect(await scanDns.txt('v4only.example')).toEqual([]);
      await expect(scanDns.addresses('missing.example')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    });
  });
});
