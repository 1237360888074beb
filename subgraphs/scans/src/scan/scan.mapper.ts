import { encodeCursor } from '../../../../lib/graphql/cursor.js';
import { PageInfoType } from '../../../../lib/graphql/page-info.type.js';
import type { ScanEntity, ScanEventEntity } from './scan.entity.js';
import type { ScanPage } from './scan.service.js';
import {
  ClientRefType,
  ScanConnectionType,
  ScanEdgeType,
  ScanType,
  type ScanModeEnum,
  type ScanProfileEnum,
  type ScanStatusEnum,
  type TargetTypeEnum,
} from './scan.type.js';

/** Maps a scan row, optionally as of one recorded event (the state a subscriber is sent). */
export function toScanType(e: ScanEntity, at?: ScanEventEntity): ScanType {
  return Object.assign(new ScanType(), {
    id: e.id,
    target: e.target,
    targetType: e.targetType as TargetTypeEnum,
    profile: e.profile as ScanProfileEnum,
    mode: e.mode as ScanModeEnum,
    status: (at?.status ?? e.status) as ScanStatusEnum,
    progress: at ? at.progress : e.progress,
    revision: at ? at.revision : e.revision,
    error: at ? (at.error ?? null) : (e.error ?? null),
    triggeredBy: e.triggeredBy,
    createdAt: e.createdAt,
    startedAt: at ? (at.startedAt ?? null) : (e.startedAt ?? null),
    completedAt: at ? (at.completedAt ?? null) : (e.completedAt ?? null),
    client: Object.assign(new ClientRefType(), { id: e.clientId }),
  });
}

export function toScanConnection(page: ScanPage): ScanConnectionType {
  return Object.assign(new ScanConnectionType(), {
    edges: page.items.map((s) => Object.assign(new ScanEdgeType(), { cursor: encodeCursor(s), node: toScanType(s) })),
    pageInfo: Object.assign(new PageInfoType(), { hasNextPage: page.hasNextPage, endCursor: page.endCursor }),
  });
}
