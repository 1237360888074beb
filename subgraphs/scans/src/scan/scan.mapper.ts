import { encodeCursor } from '../../../../lib/graphql/cursor.js';
import { PageInfoType } from '../../../../lib/graphql/page-info.type.js';
import { TERMINAL, type ScanEntity, type ScanEventEntity, type ScanStatus } from './scan.entity.js';
import type { ScanPage } from './scan.service.js';
import {
  ClientRefType,
  FindingRefType,
  ScanActivityType,
  ScanConnectionType,
  ScanEventType,
  ScanStatsType,
  type ScanEventKindEnum,
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
    findingsFound: at ? at.findingsCount : e.findingsCount,
    activity:
      at && at.kind !== 'STATUS'
        ? Object.assign(new ScanActivityType(), {
            kind: at.kind as ScanEventKindEnum,
            checkId: at.checkId ?? null,
            host: at.host ?? null,
            detail: at.detail ?? null,
          })
        : null,
    stats: e.stats && (!at || TERMINAL.includes(at.status as ScanStatus)) ? Object.assign(new ScanStatsType(), e.stats) : null,
  });
}

/** Maps one recorded event for scanEvents. */
export function toScanEventType(e: ScanEventEntity): ScanEventType {
  return Object.assign(new ScanEventType(), {
    scanId: e.scanId,
    revision: e.revision,
    kind: e.kind as ScanEventKindEnum,
    status: e.status as ScanStatusEnum,
    progress: e.progress,
    checkId: e.checkId ?? null,
    host: e.host ?? null,
    detail: e.detail ?? (e.kind === 'STATUS' ? (e.error ?? null) : null),
    findingsFound: e.findingsCount,
    severity: e.severity ?? null,
    title: e.title ?? null,
    finding: e.findingId ? Object.assign(new FindingRefType(), { id: e.findingId }) : null,
    at: e.createdAt,
  });
}

export function toScanConnection(page: ScanPage): ScanConnectionType {
  return Object.assign(new ScanConnectionType(), {
    edges: page.items.map((s) => Object.assign(new ScanEdgeType(), { cursor: encodeCursor(s), node: toScanType(s) })),
    pageInfo: Object.assign(new PageInfoType(), { hasNextPage: page.hasNextPage, endCursor: page.endCursor }),
  });
}
