import { buildFederatedSchema, type FederatedSchema } from '../../../lib/federation/build-subgraph.js';
import { CheckResolver } from './check/check.resolver.js';
import type { ScansContext } from './context.js';
import { OwnershipResolver, ScanAuthorisationResolver } from './ownership/ownership.resolver.js';
import { toScanType } from './scan/scan.mapper.js';
import { ScanReportUrlResolver } from './scan/scan-report-url.resolver.js';
import { ScanResolver } from './scan/scan.resolver.js';
import { ScheduleResolver, ScheduleRunResolver } from './schedule/schedule.resolver.js';

/** The scans subgraph: Scan, createScan, cancelScan, scans, checks, scanUpdated, scanEvents, domains and attestations, schedules. */
export function buildScansSchema(): Promise<FederatedSchema> {
  return buildFederatedSchema({
    resolvers: [ScanResolver, CheckResolver, OwnershipResolver, ScanAuthorisationResolver, ScanReportUrlResolver, ScheduleResolver, ScheduleRunResolver],
    references: {
      Scan: async (ref: { id: string }, ctx: ScansContext) => {
        const s = await ctx.scans.find(ref.id);
        return s ? toScanType(s) : null;
      },
    },
  });
}
