import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import type { FindingsContext } from '../context.js';
import { FindingsClientRefType } from './clients-affected.type.js';
import { changeReasons } from './finding-score.repository.js';
import { findingChangeStream, type FindingChangeEvent } from './finding-change.stream.js';
import { FindingChangeReasonEnum, FindingChangeType } from './finding-change.type.js';
import { toFindingType } from './finding.mapper.js';

interface Args {
  clientId?: string | null;
  after?: string | null;
}

@Resolver()
export class FindingChangeResolver {
  @Subscription(() => FindingChangeType, {
    description:
      "The caller's unfixed findings whose KEV status, EPSS or score a feed update changed, as each update is loaded (no rescan needed). With `after` (a change's cursor), first every change since then (kept 90 days).",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, Args, FindingsContext>) =>
      findingChangeStream(context, args.clientId ?? null, args.after ?? null),
  })
  findingChanged(
    @Root() event: FindingChangeEvent,
    @Arg('clientId', () => ID, { nullable: true, description: 'Only this client (an account credential sees all its clients).' }) _clientId: string | null,
    @Arg('after', () => String, { nullable: true }) _after: string | null,
  ): FindingChangeType {
    return toFindingChangeType(event);
  }
}

export function toFindingChangeType({ change: c, finding }: FindingChangeEvent): FindingChangeType {
  const num = (v: number | string | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));
  const epssBefore = num(c.epssBefore);
  const epssAfter = num(c.epssAfter);
  const scoreBefore = Number(c.scoreBefore);
  const scoreAfter = Number(c.scoreAfter);
  const reasons = changeReasons({ kevFlagged: c.kevBefore, epss: epssBefore, score: scoreBefore }, { kevFlagged: c.kevAfter, epss: epssAfter, score: scoreAfter });
  return Object.assign(new FindingChangeType(), {
    cursor: String(c.id),
    finding: toFindingType(finding),
    client: Object.assign(new FindingsClientRefType(), { id: c.clientId }),
    feed: c.feed,
    reasons: reasons as FindingChangeReasonEnum[],
    kevBefore: c.kevBefore,
    kevAfter: c.kevAfter,
    epssBefore,
    epssAfter,
    scoreBefore,
    scoreAfter,
    at: c.at,
  });
}
