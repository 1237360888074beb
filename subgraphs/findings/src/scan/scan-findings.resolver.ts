import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { FindingsContext } from '../context.js';
import { FindingConnectionType, FindingsSummaryType } from '../finding/finding-connection.type.js';
import { toFindingConnection } from '../finding/finding.mapper.js';
import { CategoryFindingsSummaryType } from './category-summary.type.js';
import { ScanFindingsType } from './scan-findings.type.js';

@Resolver(() => ScanFindingsType)
export class ScanFindingsResolver {
  @FieldResolver(() => FindingConnectionType, { description: 'Findings of this scan, newest first.' })
  async findings(
    @Root() scan: ScanFindingsType,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: FindingsContext,
  ): Promise<FindingConnectionType> {
    return toFindingConnection(await ctx.findings.page({ scanId: scan.id }, first, after));
  }

  @FieldResolver(() => FindingsSummaryType)
  async findingsSummary(@Root() scan: ScanFindingsType, @Ctx() ctx: FindingsContext): Promise<FindingsSummaryType> {
    return Object.assign(new FindingsSummaryType(), await ctx.findings.summary(scan.id));
  }

  @FieldResolver(() => [CategoryFindingsSummaryType], {
    description: 'Findings of this scan counted by severity per check category (categories without findings are left out), by category name.',
  })
  async findingsByCategory(@Root() scan: ScanFindingsType, @Ctx() ctx: FindingsContext): Promise<CategoryFindingsSummaryType[]> {
    const counts = await ctx.findings.categorySummary(scan.id);
    return [...counts].map(([category, c]) => Object.assign(new CategoryFindingsSummaryType(), { category, ...c }));
  }
}
