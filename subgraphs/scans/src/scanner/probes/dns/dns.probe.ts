import { isIP } from 'node:net';
import type { Probe, ProbeContext } from '../../check.js';
import { DNS_CHECKS } from './dns.checks.js';
import { analyzeDmarc, analyzeSpf, dmarcLookupNames, dmarcRecords, spfRecords } from './email-auth.js';

/**
 * SPF and DMARC of the scanned name, read from public DNS. SPF is checked on the name as given
 * (a name that sends no mail should still say so with `v=spf1 -all`); DMARC falls back to the
 * parent domains like receivers do, so www.example.com is covered by example.com's policy.
 */
export const dnsProbe: Probe = {
  id: 'dns',
  title: 'Email authentication (SPF, DMARC)',
  checks: Object.values(DNS_CHECKS),
  mode: 'PASSIVE',
  profile: 'LIGHT',
  appliesTo: (_target, host) => !host.ip && isIP(host.hostname) === 0 && host.hostname.includes('.'),
  async run(ctx) {
    const name = ctx.host.hostname.toLowerCase().replace(/\.$/, '');
    await checkSpf(ctx, name);
    ctx.signal.throwIfAborted();
    await checkDmarc(ctx, name);
  },
};

/** TXT records of a name, or null when the lookup failed (timeout, SERVFAIL): then we know nothing. */
async function txtOrNull(ctx: ProbeContext, name: string): Promise<string[] | null> {
  ctx.signal.throwIfAborted();
  try {
    return await ctx.dns.txt(name);
  } catch (err) {
    ctx.log.debug({ name, err: (err as Error).message }, 'TXT lookup failed; not judging this name');
    return null;
  }
}

async function checkSpf(ctx: ProbeContext, name: string): Promise<void> {
  const txt = await txtOrNull(ctx, name);
  if (txt === null) return;
  const records = spfRecords(txt);
  const base = { target: name, location: name };
  if (records.length === 0) {
    ctx.report({
      ...base,
      checkId: DNS_CHECKS.spfMissing.id,
      description: `${name} publishes no SPF record, so receiving mail servers cannot tell forged mail claiming to come from ${name} from real mail.`,
      evidence: { name, txtRecordCount: txt.length, spfRecords: [] },
    });
    return;
  }
  if (records.length > 1) {
    ctx.report({
      ...base,
      checkId: DNS_CHECKS.spfInvalid.id,
      description: `${name} publishes ${records.length} SPF records; receivers treat that as a permanent error (RFC 7208 §4.5) and SPF gives no protection.`,
      evidence: { name, spfRecords: records, problems: [`${records.length} v=spf1 records`] },
    });
    return;
  }
  const spf = analyzeSpf(records[0]!);
  if (spf.errors.length > 0) {
    ctx.report({
      ...base,
      checkId: DNS_CHECKS.spfInvalid.id,
      description: `The SPF record of ${name} does not parse (${spf.errors.join('; ')}); receivers answer PermError and SPF gives no protection.`,
      evidence: { name, spfRecords: records, problems: spf.errors },
    });
    return;
  }
  if (spf.default === 'pass') {
    ctx.report({
      ...base,
      checkId: DNS_CHECKS.spfPermissive.id,
      severity: 'HIGH',
      description: `The SPF record of ${name} ends in "${spf.allTerm}", which authorises every server on the internet to send mail as ${name}.`,
      evidence: { name, spfRecord: spf.record, decidingTerm: spf.allTerm, resultForOtherSenders: 'pass' },
    });
  } else if (spf.default === 'neutral') {
    const why = spf.allTerm ? `ends in "${spf.allTerm}"` : 'has neither an `all` mechanism nor a redirect= modifier';
    ctx.report({
      ...base,
      checkId: DNS_CHECKS.spfPermissive.id,
      severity: 'MEDIUM',
      description: `The SPF record of ${name} ${why}, so mail from unlisted servers gets a neutral result and receivers are not told to distrust it.`,
      evidence: { name, spfRecord: spf.record, decidingTerm: spf.allTerm, resultForOtherSenders: 'neutral' },
    });
  }
}

async function checkDmarc(ctx: ProbeContext, name: string): Promise<void> {
  const queried: string[] = [];
  for (const candidate of dmarcLookupNames(name)) {
    const recordName = `_dmarc.${candidate}`;
    const txt = await txtOrNull(ctx, recordName);
    // A failed lookup leaves the answer unknown: do not call DMARC missing on a resolver hiccup.
    if (txt === null) return;
    queried.push(recordName);
    const records = dmarcRecords(txt);
    if (records.length === 0) continue;
    const base = { target: name, location: recordName };
    const inherited = candidate !== name;
    if (records.length > 1) {
      ctx.report({
        ...base,
        checkId: DNS_CHECKS.dmarcInvalid.id,
        description: `${recordName} holds ${records.length} DMARC records; receivers then apply no DMARC policy to mail from ${name} (RFC 7489 §6.6.3).`,
        evidence: { name, dmarcName: recordName, dmarcRecords: records, problems: [`${records.length} v=DMARC1 records`] },
      });
      return;
    }
    const dmarc = analyzeDmarc(records[0]!, inherited);
    if (dmarc.policy === null || dmarc.errors.length > 0) {
      ctx.report({
        ...base,
        checkId: DNS_CHECKS.dmarcInvalid.id,
        description: `The DMARC record at ${recordName} is invalid (${dmarc.errors.join('; ')}), so receivers may ignore it for mail from ${name}.`,
        evidence: { name, dmarcName: recordName, dmarcRecords: records, problems: dmarc.errors },
      });
      return;
    }
    const evidence = { name, dmarcName: recordName, dmarcRecord: dmarc.record, inheritedFromParent: inherited, policyTag: dmarc.policyTag, policy: dmarc.policy, pct: dmarc.pct };
    if (dmarc.policy === 'none') {
      ctx.report({
        ...base,
        checkId: DNS_CHECKS.dmarcPermissive.id,
        severity: 'MEDIUM',
        description: `The DMARC policy for ${name} (${dmarc.policyTag}=none at ${recordName}) only monitors: mail forged as ${name} is still delivered.`,
        evidence,
      });
    } else if (dmarc.pct < 100) {
      ctx.report({
        ...base,
        checkId: DNS_CHECKS.dmarcPermissive.id,
        severity: 'LOW',
        description: `The DMARC policy for ${name} (${dmarc.policyTag}=${dmarc.policy} at ${recordName}) applies to only ${dmarc.pct}% of failing mail; the rest is delivered as if there were no policy.`,
        evidence,
      });
    }
    return;
  }
  ctx.report({
    target: name,
    location: `_dmarc.${name}`,
    checkId: DNS_CHECKS.dmarcMissing.id,
    description: `No DMARC record governs ${name} (queried ${queried.join(', ')}), so receivers have no instruction to reject or quarantine mail that forges it.`,
    evidence: { name, queried },
  });
}
