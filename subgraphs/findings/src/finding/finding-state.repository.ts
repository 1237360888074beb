import type { EntityManager } from '@mikro-orm/postgresql';
import { FindingHistoryEntity } from './finding-history.entity.js';
import { FindingStateEntity } from './finding-state.entity.js';

/** Reads lifecycle state by (client, fingerprint); callers pass only findings the tenant may see. */
export class FindingStateRepository {
  constructor(private readonly em: EntityManager) {}

  async byKeys(keys: { clientId: string; fingerprint: string }[]): Promise<FindingStateEntity[]> {
    if (keys.length === 0) return [];
    return this.em.find(FindingStateEntity, { $or: keys.map((k) => ({ clientId: k.clientId, fingerprint: k.fingerprint })) }, { disableIdentityMap: true });
  }

  /** The audit trail of one state, oldest first. */
  history(stateId: string, clientId: string): Promise<FindingHistoryEntity[]> {
    return this.em.find(FindingHistoryEntity, { stateId, clientId }, { orderBy: { id: 'asc' }, disableIdentityMap: true });
  }
}
