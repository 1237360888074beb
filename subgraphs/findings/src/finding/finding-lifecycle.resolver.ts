import { Arg, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { FindingsContext } from '../context.js';
import { Batcher } from '../../../../lib/graphql/batch.js';
import type { FindingStateEntity } from './finding-state.entity.js';
import { FindingStateRepository } from './finding-state.repository.js';
import { FindingRemediationService } from './finding-remediation.service.js';
import { FindingHistoryEntryType, FindingStatusEnum, RemediateFindingInput } from './finding-remediation.type.js';
import type { FindingStatus } from './finding-state.entity.js';
import { toFindingType } from './finding.mapper.js';
import { FindingType } from './finding.type.js';

/** Lifecycle of a finding's problem across scans, batched per request. */
export class FindingStateLoader {
  private readonly batcher: Batcher<string, FindingStateEntity | null>;

  constructor(repo: FindingStateRepository) {
    this.batcher = new Batcher(
      async (keys) => {
        const rows = await repo.byKeys(keys.map((k) => ({ clientId: k.split('|')[0]!, fingerprint: k.split('|')[1]! })));
        return new Map(rows.map((r) => [`${r.clientId}|${r.fingerprint}`, r]));
      },
      () => null,
    );
  }

  of(f: FindingType): Promise<FindingStateEntity | null> {
    return this.batcher.load(`${f.clientId}|${f.fingerprint}`);
  }
}

/** An accepted risk past its expiry is open again, whether or not a scan has seen it since. */
export function effectiveStatus(s: Pick<FindingStateEntity, 'status' | 'acceptedUntil'>, now = new Date()): string {
  if (s.status === 'accepted_risk' && s.acceptedUntil && s.acceptedUntil <= now) return 'open';
  return s.status;
}

@Resolver(() => FindingType)
export class FindingLifecycleResolver {
  @FieldResolver(() => FindingStatusEnum, { description: 'Of this problem of this client, across scans.' })
  async status(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<FindingStatusEnum> {
    const s = await ctx.states.of(f);
    return (s ? effectiveStatus(s) : 'open') as FindingStatusEnum;
  }

  @FieldResolver(() => [FindingHistoryEntryType], { description: 'Every status change, oldest first: by whom, when, from, to, why. Append-only.' })
  async history(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<FindingHistoryEntryType[]> {
    const s = await ctx.states.of(f);
    if (!s) return [];
    const rows = await new FindingStateRepository(ctx.em).history(s.id, f.clientId);
    return rows.map((h) =>
      Object.assign(new FindingHistoryEntryType(), {
        at: h.at,
        actorKind: h.actorKind,
        actor: h.actor,
        updatedBy: h.updatedBy ?? null,
        from: (h.fromStatus ?? null) as FindingStatusEnum | null,
        to: h.toStatus as FindingStatusEnum,
        note: h.note ?? null,
        scanId: h.scanId ?? null,
      }),
    );
  }

  @Mutation(() => FindingType, { description: 'Changes the status of a finding (and so of its problem across scans), recorded in its history.' })
  async remediateFinding(@Arg('input', () => RemediateFindingInput) input: RemediateFindingInput, @Ctx() ctx: FindingsContext): Promise<FindingType> {
    const finding = await new FindingRemediationService(ctx.em, ctx.identity).remediate({ ...input, status: input.status as FindingStatus });
    return toFindingType(finding);
  }

  @FieldResolver(() => Date, { description: 'When a scan first saw this problem on this client.' })
  async firstSeen(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<Date> {
    return (await ctx.states.of(f))?.firstSeen ?? f.createdAt;
  }

  @FieldResolver(() => Date, { description: 'When a scan last saw it.' })
  async lastSeen(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<Date> {
    return (await ctx.states.of(f))?.lastSeen ?? f.createdAt;
  }

  @FieldResolver(() => Date, { nullable: true, description: 'When a scan that covered it no longer saw it.' })
  async fixedAt(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<Date | null> {
    return (await ctx.states.of(f))?.fixedAt ?? null;
  }

  @FieldResolver(() => Boolean, { description: 'Seen again after a scan had verified it fixed.' })
  async regressed(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<boolean> {
    return (await ctx.states.of(f))?.regressed ?? false;
  }

  @FieldResolver(() => Int, { description: 'How many scans have seen it.' })
  async occurrences(@Root() f: FindingType, @Ctx() ctx: FindingsContext): Promise<number> {
    return (await ctx.states.of(f))?.occurrences ?? 1;
  }
}
