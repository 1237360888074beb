import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { AddressPolicy } from '../../../../lib/net/address-policy.js';
import type { ScanDns } from '../scanner/scan-dns.js';
import { DomainVerifier } from './domain-verifier.js';

const bool = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');

/** Domain verification and active-scan authorisation settings (scans subgraph). */
export const ownershipEnv = z.object({
  /** Accept the well-known file over plain http too (https is always tried first). Off in production; the lab is plain http on loopback. */
  VERIFY_ALLOW_HTTP: bool,
  /** A proof of control is relied on for this many days after it last succeeded. */
  VERIFY_VALID_DAYS: z.coerce.number().int().min(1).max(366).default(30),
  /** Before an active scan, a proof older than this is checked again (0: before every active scan). */
  VERIFY_RECHECK_HOURS: z.coerce.number().min(0).max(8784).default(24),
  /** Deadline of one check (the DNS lookup, or each fetch of the well-known file). */
  VERIFY_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(5_000),
  /** Extra CA (PEM) trusted for the https well-known file, as for the scanner (a private PKI, the lab). */
  SCAN_EXTRA_CA_FILE: z.string().optional(),
});

/** How long proofs last and when they are re-checked. */
export interface OwnershipSettings {
  validDays: number;
  recheckHours: number;
}

/** What the ownership rules need besides the request's database context. */
export interface OwnershipConfig {
  verifier: DomainVerifier;
  settings: OwnershipSettings;
}

export function ownershipFromEnv(env: z.infer<typeof ownershipEnv>, dns: ScanDns, policy: AddressPolicy): OwnershipConfig {
  return {
    verifier: new DomainVerifier({
      txt: (name) => dns.txt(name),
      policy,
      resolve: dns.resolve,
      allowHttp: env.VERIFY_ALLOW_HTTP,
      timeoutMs: env.VERIFY_TIMEOUT_MS,
      ...(env.SCAN_EXTRA_CA_FILE ? { ca: readFileSync(env.SCAN_EXTRA_CA_FILE, 'utf8') } : {}),
    }),
    settings: { validDays: env.VERIFY_VALID_DAYS, recheckHours: env.VERIFY_RECHECK_HOURS },
  };
}
