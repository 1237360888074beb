import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProbeContext } from '../../../../../../test/support/probe-context.js';
import { startDnsServer, type LabDnsServer } from '../../../../../../test/lab/dns-server.js';
import { normalizeTarget } from '../../../target/target.js';
import { dnsProbe } from './dns.probe.js';

const HOST = '127.0.0.15';
const GOOD_SPF = 'v=spf1 ip4:192.0.2.10 -all';
const GOOD_DMARC = 'v=DMARC1; p=reject; rua=mailto:dmarc@example.com';

describe('dns probe', () => {
  let dns: LabDnsServer;

  beforeAll(async () => {
    dns = await startDnsServer({ host: HOST, port: 0 });
  });
  afterAll(async () => {
    await dns.close();
  });

  /** Publishes `zone`, runs the probe on `name` and returns what it reported. */
  async function scan(name: string, zone: Record<string, { TXT?: string[]; A?: string[] }>, server = dns.server) {
    Object.assign(dns.zone, zone);
    const ctx = makeProbeContext({ target: name, targetType: 'DOMAIN', dnsServers: [server], hosts: { [name]: ['127.0.0.15'] } });
    await dnsProbe.run(ctx);
    return ctx.findings.map((f) => ({ checkId: f.checkId, severity: f.severity, location: f.location, target: f.target }));
  }

  it('reports nothing for a domain with a strict SPF record and an enforcing DMARC policy', async () => {
    const before = dns.queries.length;
    expect(await scan('good.test', { 'good.test': { TXT: ['google-site-verification=abc', GOOD_SPF] }, '_dmarc.good.test': { TXT: [GOOD_DMARC] } })).toEqual([]);
    expect(dns.queries.slice(before)).toEqual([
      { name: 'good.test', type: 'TXT' },
      { name: '_dmarc.good.test', type: 'TXT' },
    ]);
  });

  it('accepts ~all and p=quarantine', async () => {
    expect(await scan('soft.test', { 'soft.test': { TXT: ['v=spf1 mx ~all'] }, '_dmarc.soft.test': { TXT: ['v=DMARC1; p=quarantine'] } })).toEqual([]);
  });

  it('reports missing SPF and DMARC on a name without TXT records', async () => {
    expect(await scan('bare.test', { 'bare.test': { A: ['192.0.2.1'] } })).toEqual([
      { checkId: 'dns.spf-missing', severity: undefined, location: 'bare.test', target: 'bare.test' },
      { checkId: 'dns.dmarc-missing', severity: undefined, location: '_dmarc.bare.test', target: 'bare.test' },
    ]);
  });

  it('reports +all as HIGH and ?all or a record without all as MEDIUM', async () => {
    const dmarc = { TXT: [GOOD_DMARC] };
    expect(await scan('plus.test', { 'plus.test': { TXT: ['v=spf1 +all'] }, '_dmarc.plus.test': dmarc })).toEqual([
      { checkId: 'dns.spf-permissive', severity: 'HIGH', location: 'plus.test', target: 'plus.test' },
    ]);
    expect(await scan('neutral.test', { 'neutral.test': { TXT: ['v=spf1 mx ?all'] }, '_dmarc.neutral.test': dmarc })).toEqual([
      { checkId: 'dns.spf-permissive', severity: 'MEDIUM', location: 'neutral.test', target: 'neutral.test' },
    ]);
    expect(await scan('noall.test', { 'noall.test': { TXT: ['v=spf1 mx'] }, '_dmarc.noall.test': dmarc })).toEqual([
      { checkId: 'dns.spf-permissive', severity: 'MEDIUM', location: 'noall.test', target: 'noall.test' },
    ]);
  });

  it('reports two SPF records and an unparsable SPF record as invalid', async () => {
    const dmarc = { TXT: [GOOD_DMARC] };
    expect(await scan('twospf.test', { 'twospf.test': { TXT: [GOOD_SPF, 'v=spf1 include:_spf.example.net -all'] }, '_dmarc.twospf.test': dmarc })).toEqual([
      { checkId: 'dns.spf-invalid', severity: undefined, location: 'twospf.test', target: 'twospf.test' },
    ]);
    expect(await scan('badspf.test', { 'badspf.test': { TXT: ['v=spf1 ip4:300.1.1.1 -all'] }, '_dmarc.badspf.test': dmarc })).toEqual([
      { checkId: 'dns.spf-invalid', severity: undefined, location: 'badspf.test', target: 'badspf.test' },
    ]);
  });

  it('reports p=none as MEDIUM and pct below 100 as LOW', async () => {
    expect(await scan('none.test', { 'none.test': { TXT: [GOOD_SPF] }, '_dmarc.none.test': { TXT: ['v=DMARC1; p=none; rua=mailto:d@none.test'] } })).toEqual([
      { checkId: 'dns.dmarc-permissive', severity: 'MEDIUM', location: '_dmarc.none.test', target: 'none.test' },
    ]);
    expect(await scan('pct.test', { 'pct.test': { TXT: [GOOD_SPF] }, '_dmarc.pct.test': { TXT: ['v=DMARC1; p=reject; pct=20'] } })).toEqual([
      { checkId: 'dns.dmarc-permissive', severity: 'LOW', location: '_dmarc.pct.test', target: 'pct.test' },
    ]);
  });

  it('reports two DMARC records and a DMARC record without a policy as invalid', async () => {
    expect(await scan('twodmarc.test', { 'twodmarc.test': { TXT: [GOOD_SPF] }, '_dmarc.twodmarc.test': { TXT: [GOOD_DMARC, 'v=DMARC1; p=none'] } })).toEqual([
      { checkId: 'dns.dmarc-invalid', severity: undefined, location: '_dmarc.twodmarc.test', target: 'twodmarc.test' },
    ]);
    expect(await scan('nop.test', { 'nop.test': { TXT: [GOOD_SPF] }, '_dmarc.nop.test': { TXT: ['v=DMARC1; rua=mailto:d@nop.test'] } })).toEqual([
      { checkId: 'dns.dmarc-invalid', severity: undefined, location: '_dmarc.nop.test', target: 'nop.test' },
    ]);
  });

  it('uses the parent domain DMARC policy for a subdomain, with sp= taking precedence', async () => {
    const before = dns.queries.length;
    expect(await scan('www.parent.test', { 'www.parent.test': { TXT: [GOOD_SPF] }, '_dmarc.parent.test': { TXT: [GOOD_DMARC] } })).toEqual([]);
    expect(dns.queries.slice(before).map((q) => q.name)).toEqual(['www.parent.test', '_dmarc.www.parent.test', '_dmarc.parent.test']);
    expect(await scan('www.subnone.test', { 'www.subnone.test': { TXT: [GOOD_SPF] }, '_dmarc.subnone.test': { TXT: ['v=DMARC1; p=reject; sp=none'] } })).toEqual([
      { checkId: 'dns.dmarc-permissive', severity: 'MEDIUM', location: '_dmarc.subnone.test', target: 'www.subnone.test' },
    ]);
    expect(await scan('mail.orphan.test', { 'mail.orphan.test': { TXT: [GOOD_SPF] } })).toEqual([
      { checkId: 'dns.dmarc-missing', severity: undefined, location: '_dmarc.mail.orphan.test', target: 'mail.orphan.test' },
    ]);
  });

  it('follows a record that changes between scans', async () => {
    expect(await scan('fixed.test', { 'fixed.test': { TXT: ['v=spf1 +all'] }, '_dmarc.fixed.test': { TXT: ['v=DMARC1; p=none'] } })).toHaveLength(2);
    dns.zone['fixed.test'] = { TXT: [GOOD_SPF] };
    dns.zone['_dmarc.fixed.test'] = { TXT: [GOOD_DMARC] };
    expect(await scan('fixed.test', {})).toEqual([]);
  });

  it('reports nothing when the DNS server cannot be reached', async () => {
    const gone = await startDnsServer({ host: HOST, port: 0 });
    await gone.close();
    expect(await scan('bare.test', {}, gone.server)).toEqual([]);
  });

  it('applies to domain names only', () => {
    const ip = normalizeTarget('192.0.2.1', 'IP');
    const domain = normalizeTarget('example.com', 'DOMAIN');
    expect(dnsProbe.appliesTo!(ip, { ...ip.hosts[0]!, addresses: ['192.0.2.1'] })).toBe(false);
    expect(dnsProbe.appliesTo!(domain, { ...domain.hosts[0]!, addresses: ['192.0.2.1'] })).toBe(true);
  });
});
