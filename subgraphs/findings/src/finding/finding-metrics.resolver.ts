import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { FindingsContext } from '../context.js';
import { FindingsClientRefType } from './clients-affected.type.js';
import { FindingsSummaryType } from './finding-connection.type.js';
import { FindingMetricsService, type ClientMetrics } from './finding-metrics.service.js';
import { ClientFindingMetricsType, PrioritySlaType, SlaDaysInput } from './finding-metrics.type.js';

@Resolver()
export class FindingMetricsResolver {
  @Query(() => [ClientFindingMetricsType], {
    description:
      "Remediation metrics per client of the caller that has findings, most overdue first: open by severity, time to remediate, and open findings against each priority's deadline.",
  })
  async findingMetrics(
    @Arg('clientId', () => ID, { nullable: true, description: 'Only this client (a client of another account: no rows).' }) clientId: string | null,
    @Arg('since', () => Date, { nullable: true, description: 'Start of the window for fixed and the times to remediate (default: 90 days ago).' }) since: Date | null,
    @Arg('slaDays', () => SlaDaysInput, { nullable: true, description: "Deadlines for this call; by default the deployment's." }) slaDays: SlaDaysInput | null,
    @Ctx() ctx: FindingsContext,
  ): Promise<ClientFindingMetricsType[]> {
    const service = new FindingMetricsService(ctx.em, ctx.identity, ctx.services.slaDays);
    const rows = await service.perClient({ clientId, since, slaDays });
    return rows.map(toMetricsType);
  }
}

function toMetricsType(m: ClientMetrics): ClientFindingMetricsType {
  return Object.assign(new ClientFindingMetricsType(), {
    client: Object.assign(new FindingsClientRefType(), { id: m.clientId }),
    open: Object.assign(new FindingsSummaryType(), m.open),
    inProgress: m.inProgress,
    acceptedRisk: m.acceptedRisk,
    fixed: m.fixed,
    meanTimeToRemediateHours: m.meanHours,
    medianTimeToRemediateHours: m.medianHours,
    overdue: m.overdue,
    sla: m.sla.map((s) => Object.assign(new PrioritySlaType(), s)),
    asOf: m.asOf,
  });
}
