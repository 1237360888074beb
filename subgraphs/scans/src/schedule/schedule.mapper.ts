import { encodeCursor } from '../../../../lib/graphql/cursor.js';
import { PageInfoType } from '../../../../lib/graphql/page-info.type.js';
import { ClientRefType, type ScanModeEnum, type ScanProfileEnum, type TargetTypeEnum } from '../scan/scan.type.js';
import type { ScheduleEntity, ScheduleRunEntity } from './schedule.entity.js';
import type { SchedulePage } from './schedule.service.js';
import {
  ScheduleConnectionType,
  ScheduleEdgeType,
  ScheduleRunQuotaType,
  ScheduleRunType,
  ScheduleType,
  type ScheduleFrequencyEnum,
  type ScheduleRunOutcomeEnum,
} from './schedule.type.js';

/** Maps a schedule row to its public shape (nextRunAt is null while paused: it will not run). */
export function toScheduleType(e: ScheduleEntity): ScheduleType {
  return Object.assign(new ScheduleType(), {
    id: e.id,
    client: Object.assign(new ClientRefType(), { id: e.clientId }),
    target: e.target,
    targetType: e.targetType as TargetTypeEnum,
    profile: e.profile as ScanProfileEnum,
    mode: e.mode as ScanModeEnum,
    frequency: e.frequency as ScheduleFrequencyEnum,
    cron: e.cron ?? null,
    timeZone: e.timeZone,
    timeOfDay: e.timeOfDay,
    weekday: e.weekday,
    dayOfMonth: e.dayOfMonth,
    paused: e.paused,
    nextRunAt: e.paused ? null : e.nextRunAt,
    lastRunAt: e.lastRunAt ?? null,
    authorisedBy: e.authorisedBy ?? null,
    authorisedAt: e.authorisedAt ?? null,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  });
}

/** Maps a run; `scan` is resolved by ScheduleRunResolver. */
export function toScheduleRunType(r: ScheduleRunEntity): ScheduleRunType & { scanId: string | null } {
  const q = r.quota as { limit?: number; used?: number; period_end?: string | null } | null | undefined;
  return Object.assign(new ScheduleRunType(), {
    id: r.id,
    slot: r.slot,
    outcome: r.outcome as ScheduleRunOutcomeEnum,
    scan: null,
    scanId: r.scanId ?? null,
    reason: r.reason ?? null,
    detail: r.detail ?? null,
    quota: q
      ? Object.assign(new ScheduleRunQuotaType(), { limit: q.limit ?? 0, used: q.used ?? 0, periodEnd: q.period_end ? new Date(q.period_end) : null })
      : null,
    claimedAt: r.claimedAt,
  });
}

export function toScheduleConnection(page: SchedulePage): ScheduleConnectionType {
  return Object.assign(new ScheduleConnectionType(), {
    edges: page.items.map((s) => Object.assign(new ScheduleEdgeType(), { cursor: encodeCursor(s), node: toScheduleType(s) })),
    pageInfo: Object.assign(new PageInfoType(), { hasNextPage: page.hasNextPage, endCursor: page.endCursor }),
  });
}
