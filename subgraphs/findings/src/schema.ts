import { buildFederatedSchema, type FederatedSchema } from '../../../lib/federation/build-subgraph.js';
import type { FindingsContext } from './context.js';
import { toFindingType } from './finding/finding.mapper.js';
import { FindingChangeResolver } from './finding/finding-change.resolver.js';
import { FindingEnrichmentResolver } from './finding/finding-enrichment.resolver.js';
import { FindingLifecycleResolver } from './finding/finding-lifecycle.resolver.js';
import { FindingMetricsResolver } from './finding/finding-metrics.resolver.js';
import { FindingResolver } from './finding/finding.resolver.js';
import { IntelResolver } from './intel/intel.resolver.js';
import { AlertResolver } from './alert/alert.resolver.js';
import { ScanFindingsResolver } from './scan/scan-findings.resolver.js';
import { ScanFindingsType } from './scan/scan-findings.type.js';

/** The findings subgraph: Finding, the findings list and, on Scan, findings and findingsSummary. */
export function buildFindingsSchema(): Promise<FederatedSchema> {
  return buildFederatedSchema({
    resolvers: [FindingResolver, FindingEnrichmentResolver, FindingLifecycleResolver, ScanFindingsResolver, IntelResolver, FindingChangeResolver, FindingMetricsResolver, AlertResolver],
    // Entity extensions are reached only through _entities, so they must be named here.
    orphanedTypes: [ScanFindingsType],
    references: {
      // Tenant filtering happens in the field resolvers: a foreign scan simply has no findings.
      Finding: async (ref: { id: string }, ctx: FindingsContext) => {
        const f = await ctx.findings.find(ref.id);
        return f ? toFindingType(f) : null;
      },
      Scan: (ref: { id: string; revision?: number }) => Object.assign(new ScanFindingsType(), { id: ref.id, revision: ref.revision ?? 0 }),
    },
  });
}
