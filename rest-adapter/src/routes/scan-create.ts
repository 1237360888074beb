import { z } from 'zod';
import type { RouteContext } from '../route.js';
import { inferTargetType, withRestFields, type GqlScanStatus, type GqlTargetType } from './shared.js';

/** What CreateScan returns. */
export interface CreatedScan {
  id: string;
  status: GqlScanStatus;
  target: string;
  targetType: GqlTargetType;
  profile: 'LIGHT' | 'STANDARD' | 'AGGRESSIVE';
  mode: 'PASSIVE' | 'ACTIVE';
  createdAt: string;
  authorisation: z.infer<typeof authorisationSchema> | null;
}

interface GqlAuthorisation {
  authorised: boolean;
  authorisedBy: string | null;
  statement: string;
  target: string;
  createdBy: string;
  createdAt: string;
  sourceIp: string | null;
  userAgent: string | null;
  proof: { kind: 'DOMAIN' | 'ATTESTATION'; domain: string | null; method: 'DNS' | 'HTTP' | null; verifiedAt: string | null; attestedTarget: string | null };
}

/** The immutable authorisation record of an active scan, in REST's snake_case. */
export const authorisationSchema = z
  .object({
    authorised: z.boolean(),
    authorised_by: z.string().nullable(),
    statement: z.string().describe('The statement accepted, verbatim.'),
    target: z.string(),
    created_by: z.string().describe('Id of the credential that created the scan (never the credential itself).'),
    created_at: z.iso.datetime(),
    source_ip: z.string().nullable(),
    user_agent: z.string().nullable(),
    proof: z
      .object({
        kind: z.enum(['domain', 'attestation']),
        domain: z.string().nullable(),
        method: z.enum(['dns', 'http']).nullable(),
        verified_at: z.iso.datetime().nullable(),
        attested_target: z.string().nullable(),
      })
      .describe('What proved the target is the client\'s: a verified domain or an attested IP/CIDR.'),
  })
  .describe('The authorisation record, stored immutably with the scan.');

/** GraphQL's createScan field names → the REST bodies' (both dialects name them alike). */
const REST_FIELDS: Record<string, string> = {
  target: 'target',
  targetType: 'target_type',
  profile: 'scan_profile',
  clientName: 'client_name',
  mode: 'mode',
  'authorisation.authorised': 'authorised',
  'authorisation.authorisedBy': 'authorised_by',
  authorisation: 'authorised',
};

export interface CreateScanArgs {
  target: string;
  /** Lowercase as the bodies send it; inferred from the target when absent. */
  targetType: string | null;
  profile: string;
  clientName: string | null;
  mode: 'PASSIVE' | 'ACTIVE';
  authorisation?: { authorised: boolean; authorisedBy: string | null } | null;
}

/** Runs createScan for either dialect and maps the record to REST. */
export async function createScan(ctx: RouteContext, args: CreateScanArgs): Promise<CreatedScan> {
  const input = {
    target: args.target,
    targetType: args.targetType ? (args.targetType.toUpperCase() as GqlTargetType) : inferTargetType(args.target),
    profile: args.profile.toUpperCase(),
    mode: args.mode,
    ...(args.clientName ? { clientName: args.clientName } : {}),
    ...(args.authorisation ? { authorisation: args.authorisation } : {}),
  };
  const data = await withRestFields(REST_FIELDS, () =>
    ctx.graphql<{ createScan: Omit<CreatedScan, 'authorisation'> & { authorisation: GqlAuthorisation | null } }>('CreateScan', { input }),
  );
  const s = data.createScan;
  const a = s.authorisation;
  return {
    ...s,
    authorisation: a
      ? {
          authorised: a.authorised,
          authorised_by: a.authorisedBy,
          statement: a.statement,
          target: a.target,
          created_by: a.createdBy,
          created_at: a.createdAt,
          source_ip: a.sourceIp,
          user_agent: a.userAgent,
          proof: {
            kind: a.proof.kind === 'DOMAIN' ? 'domain' : 'attestation',
            domain: a.proof.domain,
            method: a.proof.method ? (a.proof.method.toLowerCase() as 'dns' | 'http') : null,
            verified_at: a.proof.verifiedAt,
            attested_target: a.proof.attestedTarget,
          },
        }
      : null,
  };
}
