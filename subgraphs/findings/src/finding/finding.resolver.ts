import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { FindingsContext } from '../context.js';
import { FindingConnectionType } from './finding-connection.type.js';
import { FindingFilterInput } from './finding.input.js';
import { toFindingConnection } from './finding.mapper.js';
import type { Severity } from './finding.entity.js';

@Resolver()
export class FindingResolver {
  @Query(() => FindingConnectionType, { description: "Findings across the caller's scans, newest first." })
  async findings(
    @Arg('filter', () => FindingFilterInput, { nullable: true }) filter: FindingFilterInput | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1-100 (default 50).' }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: FindingsContext,
  ): Promise<FindingConnectionType> {
    const page = await ctx.findings.page(
      {
        scanId: filter?.scanId,
        clientId: filter?.clientId,
        severities: filter?.severities as Severity[] | null | undefined,
        checkId: filter?.checkId,
        since: filter?.since,
      },
      first,
      after,
    );
    return toFindingConnection(page);
  }
}
