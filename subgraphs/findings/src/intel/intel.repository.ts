import type { EntityManager } from '@mikro-orm/postgresql';
import { IntelFeedEntity } from './intel.entity.js';

/** Reads the intelligence store. Its data is public reference data, shared by every tenant. */
export class IntelRepository {
  constructor(private readonly em: EntityManager) {}

  feeds(): Promise<IntelFeedEntity[]> {
    return this.em.find(IntelFeedEntity, {}, { orderBy: { name: 'asc' } });
  }
}
