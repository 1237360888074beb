import type { FindingEntity } from './finding.entity.js';
import type { FindingPage } from './finding.service.js';
import { FindingConnectionType, FindingEdgeType } from './finding-connection.type.js';
import { FindingType, type SeverityEnum } from './finding.type.js';
import { PageInfoType } from '../../../../lib/graphql/page-info.type.js';

export function toFindingType(e: FindingEntity): FindingType {
  return Object.assign(new FindingType(), {
    id: e.id,
    scanId: e.scanId,
    checkId: e.checkId,
    severity: e.severity as SeverityEnum,
    title: e.title,
    description: e.description,
    evidence: e.evidence,
    remediation: e.remediation,
    cweId: e.cweId ?? null,
    target: e.target,
    location: e.location ?? null,
    cveIds: e.cveIds ?? [],
    confidence: e.confidence,
    fingerprint: e.fingerprint,
    createdAt: e.createdAt,
    clientId: e.clientId,
  });
}

export function toFindingConnection(page: FindingPage): FindingConnectionType {
  return Object.assign(new FindingConnectionType(), {
    edges: page.items.map((e, i) => Object.assign(new FindingEdgeType(), { cursor: page.cursors[i]!, node: toFindingType(e) })),
    pageInfo: Object.assign(new PageInfoType(), { hasNextPage: page.hasNextPage, endCursor: page.endCursor }),
  });
}
