import { buildFederatedSchema, type FederatedSchema } from '../../../lib/federation/build-subgraph.js';
import { FindingResolver } from './finding/finding.resolver.js';
import { ScanFindingsResolver } from './scan/scan-findings.resolver.js';
import { ScanFindingsType } from './scan/scan-findings.type.js';

/** The findings subgraph: Finding, the findings list and, on Scan, findings and findingsSummary. */
export function buildFindingsSchema(): Promise<FederatedSchema> {
  return buildFederatedSchema({
    resolvers: [FindingResolver, ScanFindingsResolver],
    // Entity extensions are reached only through _entities, so they must be named here.
    orphanedTypes: [ScanFindingsType],
    references: {
      // Tenant filtering happens in the field resolvers: a foreign scan simply has no findings.
      Scan: (ref: { id: string; revision?: number }) => Object.assign(new ScanFindingsType(), { id: ref.id, revision: ref.revision ?? 0 }),
    },
  });
}
