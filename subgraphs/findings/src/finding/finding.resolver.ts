import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { FindingsContext } from '../context.js';
import { AffectedClientType, FindingsClientRefType } from './clients-affected.type.js';
import { FindingConnectionType } from './finding-connection.type.js';
import { FindingFilterInput, FindingOrderEnum } from './finding.input.js';
import { toFindingConnection } from './finding.mapper.js';
import type { FindingQuery } from './finding.repository.js';
import type { Severity } from './finding.entity.js';

@Resolver()
export class FindingResolver {
  @Query(() => FindingConnectionType, { description: "Findings across the caller's scans, newest first, or worst first (orderBy: SCORE)." })
  async findings(
    @Arg('filter', () => FindingFilterInput, { nullable: true }) filter: FindingFilterInput | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1-100 (default 50).' }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('orderBy', () => FindingOrderEnum, { defaultValue: FindingOrderEnum.NEWEST }) orderBy: FindingOrderEnum,
    @Ctx() ctx: FindingsContext,
  ): Promise<FindingConnectionType> {
    const page = await ctx.findings.page(toQuery(filter), first, after, orderBy);
    return toFindingConnection(page);
  }

  @Query(() => [AffectedClientType], {
    description: "The caller's clients with findings matching the filter, most first: e.g. which clients have a KEV finding (filter: { kev: true }) or CVE-X.",
  })
  async clientsAffected(
    @Arg('filter', () => FindingFilterInput) filter: FindingFilterInput,
    @Ctx() ctx: FindingsContext,
  ): Promise<AffectedClientType[]> {
    const rows = await ctx.findings.clientsAffected(toQuery(filter));
    return rows.map((r) => Object.assign(new AffectedClientType(), { client: Object.assign(new FindingsClientRefType(), { id: r.clientId }), findings: r.findings, lastFoundAt: r.lastFoundAt }));
  }
}

function toQuery(filter: FindingFilterInput | null): FindingQuery {
  return {
    scanId: filter?.scanId,
    clientId: filter?.clientId,
    severities: filter?.severities as Severity[] | null | undefined,
    checkId: filter?.checkId,
    since: filter?.since,
    cve: filter?.cve,
    kev: filter?.kev,
    target: filter?.target,
    statuses: filter?.statuses,
    minScore: filter?.minScore,
  };
}
