import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ScansContext } from '../context.js';
import { toScanType } from '../scan/scan.mapper.js';
import { ScanType } from '../scan/scan.type.js';
import { ScheduleScanInput, UpdateScheduleInput } from './schedule.input.js';
import { toScheduleConnection, toScheduleRunType, toScheduleType } from './schedule.mapper.js';
import { ScheduleConnectionType, ScheduleRunType, ScheduleType } from './schedule.type.js';

@Resolver(() => ScheduleType)
export class ScheduleResolver {
  @Mutation(() => ScheduleType, { description: 'Schedules a recurring scan. Each run is a scan triggered by "schedule", counted against quota; a refused run is recorded as SKIPPED with its reason.' })
  async scheduleScan(@Arg('input', () => ScheduleScanInput) input: ScheduleScanInput, @Ctx() ctx: ScansContext): Promise<ScheduleType> {
    return toScheduleType(await ctx.schedules.create(input));
  }

  @Mutation(() => ScheduleType, { description: 'Changes the timing, profile or standing authorisation; the next run is the first slot of the new timing after now.' })
  async updateSchedule(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateScheduleInput) input: UpdateScheduleInput,
    @Ctx() ctx: ScansContext,
  ): Promise<ScheduleType> {
    return toScheduleType(await ctx.schedules.update(id, input));
  }

  @Mutation(() => ScheduleType, { description: 'Pauses (paused: true, the default) or resumes (false) a schedule. A resumed schedule runs from its next slot after now; slots passed while paused do not run.' })
  async pauseSchedule(
    @Arg('id', () => ID) id: string,
    @Arg('paused', () => Boolean, { defaultValue: true }) paused: boolean,
    @Ctx() ctx: ScansContext,
  ): Promise<ScheduleType> {
    return toScheduleType(await ctx.schedules.pause(id, paused));
  }

  @Mutation(() => Boolean, { description: 'Deletes a schedule: it never runs again and is no longer listed; its past runs and scans remain.' })
  deleteSchedule(@Arg('id', () => ID) id: string, @Ctx() ctx: ScansContext): Promise<boolean> {
    return ctx.schedules.delete(id);
  }

  @Query(() => ScheduleType, { nullable: true, description: 'A schedule of the caller; null when unknown or foreign.' })
  async schedule(@Arg('id', () => ID) id: string, @Ctx() ctx: ScansContext): Promise<ScheduleType | null> {
    const s = await ctx.schedules.find(id);
    return s ? toScheduleType(s) : null;
  }

  @Query(() => ScheduleConnectionType, { description: "The caller's schedules (of one client when clientId is given), newest first." })
  async schedules(
    @Arg('clientId', () => ID, { nullable: true }) clientId: string | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1-100 (default 50).' }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: ScansContext,
  ): Promise<ScheduleConnectionType> {
    return toScheduleConnection(await ctx.schedules.page(clientId, first, after));
  }

  @FieldResolver(() => [ScheduleRunType], { description: 'The newest runs, newest slot first.' })
  async runs(@Root() schedule: ScheduleType, @Arg('first', () => Int, { defaultValue: 10, description: '1-50.' }) first: number, @Ctx() ctx: ScansContext): Promise<ScheduleRunType[]> {
    return (await ctx.schedules.runs(schedule.id, first)).map(toScheduleRunType);
  }
}

@Resolver(() => ScheduleRunType)
export class ScheduleRunResolver {
  @FieldResolver(() => ScanType, { nullable: true, description: 'STARTED: the scan queued for the slot.' })
  async scan(@Root() run: ScheduleRunType & { scanId?: string | null }, @Ctx() ctx: ScansContext): Promise<ScanType | null> {
    if (!run.scanId) return null;
    const s = await ctx.scans.find(run.scanId);
    return s ? toScanType(s) : null;
  }
}
