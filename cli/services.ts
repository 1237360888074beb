export const SUBGRAPHS = ['scans', 'findings', 'clients', 'billing'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

/**
 * Starts one service in this process from its env config; resolves to its closer. Each kind is
 * imported on demand, so a process loads only its own code (the gateway runtime alone is large).
 */
export async function startService(kind: string, name?: string): Promise<{ close(): Promise<void> }> {
  switch (kind) {
    case 'gateway':
      return (await import('../gateway/src/server.js')).startGateway();
    case 'worker':
      return (await import('../subgraphs/scans/src/worker/worker.js')).startWorker();
    case 'scheduler':
      return (await import('../subgraphs/scans/src/schedule/scheduler.service.js')).startSchedulerService();
    case 'rest':
      return (await import('../rest-adapter/src/server.js')).startRestAdapter();
    case 'subgraph':
      switch (name) {
        case 'scans':
          return (await import('../subgraphs/scans/src/server.js')).startScansSubgraph();
        case 'findings':
          return (await import('../subgraphs/findings/src/server.js')).startFindingsSubgraph();
        case 'clients':
          return (await import('../subgraphs/clients/src/server.js')).startClientsSubgraph();
        case 'billing':
          return (await import('../subgraphs/billing/src/server.js')).startBillingSubgraph();
        default:
          throw new Error(`unknown subgraph "${name ?? ''}"; one of: ${SUBGRAPHS.join(', ')}`);
      }
    default:
      throw new Error(`unknown service "${kind}"; one of: gateway, subgraph <name>, worker, scheduler, rest`);
  }
}
