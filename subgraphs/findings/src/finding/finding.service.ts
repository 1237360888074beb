import type { EntityManager } from '@mikro-orm/postgresql';
import type { Tenant } from '../../../../lib/auth/tenant.js';
import { BadUserInputError } from '../../../../lib/errors.js';
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
    validate(query);
    const size = pageSize(first);
    const cursor = decodeCursor(after);
    const rows = await this.repo.page(query, size, cursor);
    const items = rows.slice(0, size);
    const last = items.at(-1);
    return { items, hasNextPage: rows.length > size, endCursor: last ? encodeCursor(last) : null };
  }

  /** The caller's clients with findings matching the query, most first. */
  clientsAffected(query: FindingQuery) {
    validate(query);
    return this.repo.clientsAffected(query);
  }

  /** One finding of the caller's; null when unknown or foreign. */
  find(id: string): Promise<FindingEntity | null> {
    return this.repo.findById(id);
  }

  summary(scanId: string): Promise<SeverityCounts> {
    return this.summaries.load(scanId);
  }
}

/** Rejects malformed filters with every problem named, before any query runs. */
function validate(query: FindingQuery): void {
  const issues: { field: string; message: string }[] = [];
  if (query.cve && !/^CVE-\d{4}-\d{4,19}$/i.test(query.cve.trim())) issues.push({ field: 'filter.cve', message: `"${query.cve}" is not a CVE id such as CVE-2021-41773` });
  if (query.target && query.target.length > 2100) issues.push({ field: 'filter.target', message: 'target is longer than 2100 characters' });
  if (issues.length > 0) throw new BadUserInputError(issues);
}
