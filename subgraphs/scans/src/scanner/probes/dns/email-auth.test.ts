import { describe, expect, it } from 'vitest';
import { analyzeDmarc, analyzeSpf, dmarcLookupNames, dmarcRecords, spfRecords } from './email-auth.js';

describe('spfRecords', () => {
  it('keeps only records that start with v=spf1 followed by a space or the end', () => {
    expect(spfRecords(['google-site-verification=abc', 'v=spf1 -all', 'v=spf10 -all', ' v=spf1', 'V=SPF1 ~all'])).toEqual([
      'v=spf1 -all',
      'v=spf1',
      'V=SPF1 ~all',
    ]);
  });
});

describe('analyzeSpf', () => {
  it('reads the qualifier of the all mechanism', () => {
    expect(analyzeSpf('v=spf1 ip4:192.0.2.0/24 -all').default).toBe('fail');
    expect(analyzeSpf('v=spf1 include:_spf.example.net ~all').default).toBe('softfail');
    expect(analyzeSpf('v=spf1 mx ?all').default).toBe('neutral');
    expect(analyzeSpf('v=spf1 +all').default).toBe('pass');
    expect(analyzeSpf('v=spf1 a all').default).toBe('pass');
  });

  it('treats a record without all as neutral unless a redirect decides', () => {
    expect(analyzeSpf('v=spf1 mx a').default).toBe('neutral');
    expect(analyzeSpf('v=spf1 redirect=_spf.example.net').default).toBe('redirect');
    expect(analyzeSpf('v=spf1 -all redirect=_spf.example.net').default).toBe('fail');
  });

  it('accepts valid mechanisms with prefix lengths and modifiers', () => {
    const spf = analyzeSpf('v=spf1 a/24 mx:mail.example.com/24//64 ip4:192.0.2.1 ip6:2001:db8::/32 exists:%{i}.example.com ptr exp=explain.example.com -all');
    expect(spf.errors).toEqual([]);
  });

  it('lists the terms a receiver rejects', () => {
    expect(analyzeSpf('v=spf1 ip4:999.1.1.1 -all').errors).toEqual(['ip4:999.1.1.1: not an IPv4 address']);
    expect(analyzeSpf('v=spf1 ip4:192.0.2.0/33 -all').errors).toEqual(['ip4:192.0.2.0/33: bad IPv4 prefix length']);
    expect(analyzeSpf('v=spf1 include -all').errors).toEqual(['include: include needs a domain']);
    expect(analyzeSpf('v=spf1 mx foo:bar -all').errors).toEqual(['unknown term "foo:bar"']);
    expect(analyzeSpf('v=spf1 redirect=a.example redirect=b.example').errors).toEqual(['duplicate redirect= modifier']);
  });
});

describe('DMARC', () => {
  it('keeps only v=DMARC1 records', () => {
    expect(dmarcRecords(['v=DMARC1; p=reject', 'v=spf1 -all', 'v=DMARC1;p=none', 'v=DMARC10; p=none'])).toEqual(['v=DMARC1; p=reject', 'v=DMARC1;p=none']);
  });

  it('applies p= to the name itself and sp= to a subdomain', () => {
    const record = 'v=DMARC1; p=reject; sp=none; rua=mailto:d@example.com';
    expect(analyzeDmarc(record, false)).toMatchObject({ policy: 'reject', policyTag: 'p', pct: 100, errors: [] });
    expect(analyzeDmarc(record, true)).toMatchObject({ policy: 'none', policyTag: 'sp' });
    expect(analyzeDmarc('v=DMARC1; p=quarantine', true)).toMatchObject({ policy: 'quarantine', policyTag: 'p' });
  });

  it('reads pct and reports invalid tags', () => {
    expect(analyzeDmarc('v=DMARC1; p=reject; pct=25', false).pct).toBe(25);
    expect(analyzeDmarc('v=DMARC1; rua=mailto:d@example.com', false)).toMatchObject({ policy: null, errors: ['no p= tag'] });
    expect(analyzeDmarc('v=DMARC1; p=block', false).errors).toEqual(['p=block is not none, quarantine or reject']);
    expect(analyzeDmarc('v=DMARC1; p=reject; pct=150', false).errors).toEqual(['pct=150 is not a number from 0 to 100']);
  });

  it('walks from the name up to the two-label parent', () => {
    expect(dmarcLookupNames('example.com')).toEqual(['example.com']);
    expect(dmarcLookupNames('www.example.com')).toEqual(['www.example.com', 'example.com']);
    expect(dmarcLookupNames('WWW.Shop.Example.co.uk.')).toEqual(['www.shop.example.co.uk', 'shop.example.co.uk', 'example.co.uk', 'co.uk']);
    expect(dmarcLookupNames('a.b.c.d.e.f.example.com', 3)).toEqual(['a.b.c.d.e.f.example.com', 'b.c.d.e.f.example.com', 'example.com']);
  });
});
