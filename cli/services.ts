import { startBillingSubgraph } from '../subgraphs/billing/src/server.js';
import { startClientsSubgraph } from '../subgraphs/clients/src/server.js';
import { startFindingsSubgraph } from '../subgraphs/findings/src/server.js';
import { startScansSubgraph } from '../subgraphs/scans/src/server.js';
import { startWorker } from '../subgraphs/scans/src/worker/worker.js';
import { startGateway } from '../gateway/src/server.js';

export const SUBGRAPHS = ['scans', 'findings', 'clients', 'billing'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

/** Starts one service in this process from its env config; resolves to its closer. */
export async function startService(kind: string, name?: string): Promise<{ close(): Promise<void> }> {
  switch (kind) {
    case 'gateway':
      return startGateway();
    case 'worker':
      return startWorker();
    case 'subgraph':
      switch (name) {
        case 'scans':
          return startScansSubgraph();
        case 'findings':
          return startFindingsSubgraph();
        case 'clients':
          return startClientsSubgraph();
        case 'billing':
          return startBillingSubgraph();
        default:
          throw new Error(`unknown subgraph "${name ?? ''}"; one of: ${SUBGRAPHS.join(', ')}`);
      }
    default:
      throw new Error(`unknown service "${kind}"; one of: gateway, subgraph <name>, worker`);
  }
}
