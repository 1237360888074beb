import { Ctx, Query, Resolver } from 'type-graphql';
import type { FindingsContext } from '../context.js';
import { IntelRepository } from './intel.repository.js';
import { IntelFeedStatusType } from './intel.type.js';

@Resolver(() => IntelFeedStatusType)
export class IntelResolver {
  @Query(() => [IntelFeedStatusType], { description: 'The threat-intelligence feeds loaded (intel:sync), by name; feeds never loaded are absent.' })
  async intelStatus(@Ctx() ctx: FindingsContext): Promise<IntelFeedStatusType[]> {
    const feeds = await new IntelRepository(ctx.em).feeds();
    return feeds.map((f) =>
      Object.assign(new IntelFeedStatusType(), {
        feed: f.name,
        version: f.version,
        dataDate: f.dataDate ?? null,
        records: f.recordCount,
        source: f.source,
        sha256: f.sha256,
        loadedAt: f.loadedAt,
      }),
    );
  }
}
