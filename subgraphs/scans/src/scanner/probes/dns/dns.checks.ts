import type { CheckDefinition } from '../../check.js';

const common = { category: 'dns', cweId: 'CWE-290', confidence: 'CONFIRMED', mode: 'PASSIVE', profile: 'LIGHT' } as const;

/** Email-authentication checks read from public DNS: anyone can see them, nothing is sent to the host. */
export const DNS_CHECKS = {
  spfMissing: {
    ...common,
    id: 'dns.spf-missing',
    title: 'No SPF record for the domain',
    severity: 'MEDIUM',
    description:
      'Looks up the TXT records of the scanned name for a `v=spf1` record, which tells receiving mail servers which hosts may send mail for the domain.',
    evidence: 'The name queried and how many TXT records it has, none of them an SPF record.',
    remediation:
      'Publish one SPF TXT record listing the servers that send your mail and ending in `-all` (or `~all` while you roll it out), ' +
      'e.g. `example.com. TXT "v=spf1 include:_spf.google.com ip4:203.0.113.10 -all"`. A name that sends no mail should publish ' +
      '`"v=spf1 -all"` so nobody can send as it.',
  },
  spfPermissive: {
    ...common,
    id: 'dns.spf-permissive',
    title: 'SPF record lets any server send mail for the domain',
    severity: 'MEDIUM',
    description:
      'Reads how the SPF record ends: `+all` (or a bare `all`) passes every sender, and `?all` or a record with neither `all` nor `redirect=` ' +
      'gives a neutral result, so receivers get no instruction to distrust forged mail. `~all` (softfail) and `-all` are accepted.',
    evidence: 'The SPF record and the term (or its absence) that decides the result for unlisted senders.',
    remediation:
      'End the record with `-all` (or `~all` during a transition) after listing every legitimate sender, ' +
      'e.g. `"v=spf1 include:spf.protection.outlook.com -all"`. Never publish `+all`.',
  },
  spfInvalid: {
    ...common,
    id: 'dns.spf-invalid',
    title: 'SPF record is invalid',
    severity: 'MEDIUM',
    description:
      'Checks that the name has exactly one `v=spf1` record and that its terms parse (known mechanisms, valid addresses, no duplicate ' +
      'redirect=/exp=). Receivers return PermError for anything else, which voids SPF for the domain (RFC 7208 §4.5, §5).',
    evidence: 'The SPF records found and the problems a receiver would reject them for.',
    remediation:
      'Merge multiple records into one TXT record (only one `v=spf1` record may exist per name) and fix the listed terms, e.g. ' +
      '`"v=spf1 ip4:203.0.113.0/24 include:_spf.example.net -all"`. Validate with a tool such as `spfquery` or your mail provider\'s checker.',
  },
  dmarcMissing: {
    ...common,
    id: 'dns.dmarc-missing',
    title: 'No DMARC policy for the domain',
    severity: 'MEDIUM',
    description:
      'Looks up `_dmarc.<name>` and, as receivers do, the `_dmarc` record of each parent domain, for a `v=DMARC1` policy that tells ' +
      'receivers what to do with mail that fails SPF and DKIM alignment.',
    evidence: 'The `_dmarc` names queried, none of which holds a DMARC record.',
    remediation:
      'Publish a DMARC record at `_dmarc.<domain>`, start with monitoring and move to enforcement: ' +
      '`_dmarc.example.com. TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@example.com"`, then `p=reject` once the reports are clean.',
  },
  dmarcPermissive: {
    ...common,
    id: 'dns.dmarc-permissive',
    title: 'DMARC policy does not enforce',
    severity: 'MEDIUM',
    description:
      'Reads the DMARC policy that governs the name: `p=none` (or `sp=none` for a subdomain) only monitors, so forged mail is still ' +
      'delivered; `pct` below 100 applies the policy to a sample of failing mail only.',
    evidence: 'The DMARC record, where it was found and the policy and percentage it applies to the scanned name.',
    remediation:
      'After reviewing the aggregate reports (rua=), enforce: `"v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com"` ' +
      '(`p=quarantine` as an intermediate step), without `sp=none` and with `pct` removed or set to 100.',
  },
  dmarcInvalid: {
    ...common,
    id: 'dns.dmarc-invalid',
    title: 'DMARC record is invalid',
    severity: 'MEDIUM',
    description:
      'Checks that the governing `_dmarc` name holds exactly one `v=DMARC1` record with a valid `p=` policy. Receivers ignore DMARC ' +
      'when there are several records or the policy is missing or unknown (RFC 7489 §6.6.3), leaving the domain unprotected.',
    evidence: 'The DMARC records found at the governing name and what is wrong with them.',
    remediation:
      'Keep one TXT record at `_dmarc.<domain>` with a valid policy, e.g. `"v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com"`, ' +
      'and delete any other `v=DMARC1` record at that name.',
  },
} as const satisfies Record<string, CheckDefinition>;
