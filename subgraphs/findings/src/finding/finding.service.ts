import type { EntityManager } from '@mikro-orm/postgresql';
import type { Tenant } from '../../../../lib/auth/tenant.js';
import { Batcher } from '../../../../lib/graphql/batch.js';
import { decodeCursor, encodeCursor, pageSize } from '../../../../lib/graphql/cursor.js';
import type { FindingEntity } from './finding.entity.js';
import { emptyCounts, FindingRepository, type FindingQuery, type SeverityCounts } from './finding.repository.js';

export interface FindingPage {
  items: FindingEntity[];
  hasNextPage: boolean;
  endCursor: string | null;
}

/** Reading findings for one tenant: pages and per-scan summaries. */
export class FindingService {
  private readonly repo: FindingRepository;
  private readonly summaries: Batcher<string, SeverityCounts>;

  constructor(em: EntityManager, tenant: Tenant) {
    this.repo = new FindingRepository(em, tenant);
    this.summaries = new Batcher((ids) => this.repo.countsByScan(ids), () => emptyCounts());
  }

  async page(query: FindingQuery, first: number | null | undefined, after: string | null | undefined): Promise<FindingPage> {
    const size = pageSize(first);
    const cursor = decodeCursor(after);
    const rows = await this.repo.page(query, size, cursor);
    const items = rows.slice(0, size);
    const last = items.at(-1);
    return { items, hasNextPage: rows.length > size, endCursor: last ? encodeCursor(last) : null };
  }

  /** One finding of the caller's; null when unknown or foreign. */
  find(id: string): Promise<FindingEntity | null> {
    return this.repo.findById(id);
  }

  summary(scanId: string): Promise<SeverityCounts> {
    return this.summaries.load(scanId);
  }
}
