import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import type { ScansContext } from '../context.js';
import { CreateScanInput } from './scan.input.js';
import type { ScanEventEntity } from './scan.entity.js';
import { toScanConnection, toScanEventType, toScanType } from './scan.mapper.js';
import { scanEventStream, scanUpdates, type ScanUpdate } from './scan-updates.js';
import { ScanConnectionType, ScanEventType, ScanType } from './scan.type.js';

@Resolver(() => ScanType)
export class ScanResolver {
  @Mutation(() => ScanType, { description: 'Validates the target, stores the scan and queues it.' })
  async createScan(@Arg('input', () => CreateScanInput) input: CreateScanInput, @Ctx() ctx: ScansContext): Promise<ScanType> {
    return toScanType(await ctx.scans.create(input));
  }

  @Mutation(() => ScanType, { description: 'Cancels a queued or running scan; a running one stops within seconds. CONFLICT once it has ended.' })
  async cancelScan(@Arg('id', () => ID) id: string, @Ctx() ctx: ScansContext): Promise<ScanType> {
    return toScanType(await ctx.scans.cancel(id));
  }

  @Query(() => ScanType, { nullable: true, description: 'A scan of the caller; null when unknown or foreign.' })
  async scan(@Arg('id', () => ID) id: string, @Ctx() ctx: ScansContext): Promise<ScanType | null> {
    const s = await ctx.scans.find(id);
    return s ? toScanType(s) : null;
  }

  @Query(() => ScanConnectionType, { description: "The caller's scans, newest first." })
  async scans(
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1-100 (default 50).' }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: ScansContext,
  ): Promise<ScanConnectionType> {
    return toScanConnection(await ctx.scans.page(first, after));
  }

  @Subscription(() => ScanType, {
    description: "The scan's current state, then every status change and progress step until it ends.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { id: string }, ScansContext>) => scanUpdates(context, args.id),
  })
  scanUpdated(@Root() update: ScanUpdate, @Arg('id', () => ID) _id: string): ScanType {
    return toScanType(update.scan, update.event);
  }

  @Subscription(() => ScanEventType, {
    description: 'Every event of the scan from its first (state changes, each probe starting and finishing, each finding as it is found) until it ends.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { id: string }, ScansContext>) => scanEventStream(context, args.id),
  })
  scanEvents(@Root() event: ScanEventEntity, @Arg('id', () => ID) _id: string): ScanEventType {
    return toScanEventType(event);
  }
}
