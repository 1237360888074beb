import { Arg, Ctx, FieldResolver, registerEnumType, Resolver, Root } from 'type-graphql';
import { z } from 'zod';
import type { Identity } from '../../../../lib/auth/identity.js';
import { ReportUrlSigner, type ReportType } from '../../../../lib/auth/report-url.js';
import { requireScope } from '../../../../lib/auth/tenant.js';
import type { ScansContext } from '../context.js';
import { ScanType } from './scan.type.js';

export enum ReportTypeEnum {
  EXECUTIVE = 'EXECUTIVE',
  TECHNICAL = 'TECHNICAL',
  COMPLIANCE = 'COMPLIANCE',
}
registerEnumType(ReportTypeEnum, {
  name: 'ReportType',
  description: 'EXECUTIVE (one page for a board), TECHNICAL (every finding, for engineers) or COMPLIANCE (control by control, for an auditor).',
});

/** Where report links point and how long they last (scans subgraph settings). */
export const reportLinkEnv = z.object({
  /** The REST adapter's public base URL: report links point at it. */
  REST_PUBLIC_URL: z.string().url().default('http://127.0.0.1:8080'),
  /** How long a signed report link works, in seconds (default one hour, at most 30 days). */
  REPORT_URL_TTL_SECONDS: z.coerce.number().int().min(60).max(30 * 86_400).default(3600),
});

/** Signs report links for the caller's credential (lib/auth/report-url.ts explains the link). */
export class ReportLinks {
  private readonly signer: ReportUrlSigner;

  constructor(
    secret: string,
    private readonly baseUrl: string,
    private readonly ttlSeconds: number,
  ) {
    this.signer = new ReportUrlSigner(secret);
  }

  url(identity: Identity, scanId: string, type: ReportType, nowSeconds = Math.floor(Date.now() / 1000)): string {
    const cred = { kind: identity.credentialKind === 'client_token' ? ('token' as const) : ('key' as const), id: identity.credentialId };
    return this.signer.url(this.baseUrl, scanId, type, cred, nowSeconds + this.ttlSeconds);
  }
}

@Resolver(() => ScanType)
export class ScanReportUrlResolver {
  @FieldResolver(() => String, {
    description:
      'A signed, expiring link to this scan\'s report (GET /scan/{id}/report/{type} of the REST API): it works without an API key, for this scan and type only, until it expires (REPORT_URL_TTL_SECONDS, default 1 h) or the credential that asked for it is revoked. Needs reports:read.',
  })
  reportUrl(@Root() scan: ScanType, @Arg('type', () => ReportTypeEnum) type: ReportTypeEnum, @Ctx() ctx: ScansContext): string {
    requireScope(ctx.identity, 'reports:read');
    if (!ctx.reportLinks) throw new Error('report links are not configured in this process');
    return ctx.reportLinks.url(ctx.identity, scan.id, type.toLowerCase() as ReportType);
  }
}
