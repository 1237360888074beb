import type { EntityManager } from '@mikro-orm/postgresql';
import type { Tenant } from '../../../../lib/auth/tenant.js';
import { BadUserInputError } from '../../../../lib/errors.js';
import { Batcher } from '../../../../lib/graphql/batch.js';
import { decodeCursor, encodeCursor, pageSize } from '../../../../lib/graphql/cursor.js';
import type { FindingEntity } from './finding.entity.js';
import { emptyCounts, FindingRepository, type FindingCursor, type FindingOrder, type FindingQuery, type SeverityCounts } from './finding.repository.js';

export interface FindingPage {
  items: FindingEntity[];
  /** Each item's cursor, in the page's order. */
  cursors: string[];
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

  async page(query: FindingQuery, first: number | null | undefined, after: string | null | undefined, order: FindingOrder = 'NEWEST'): Promise<FindingPage> {
    validate(query);
    const size = pageSize(first);
    const rows = await this.repo.page(query, size, decodeFindingCursor(after, order), order);
    const items = rows.slice(0, size);
    const cursors = items.map((e) => (order === 'SCORE' ? `score:${e.score}:${e.id}` : encodeCursor(e)));
    return { items, cursors, hasNextPage: rows.length > size, endCursor: cursors.at(-1) ?? null };
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

  /** Findings of the caller's among `ids`. */
  findMany(ids: string[]): Promise<FindingEntity[]> {
    return this.repo.findByIds(ids);
  }

  summary(scanId: string): Promise<SeverityCounts> {
    return this.summaries.load(scanId);
  }

  /** Severity counts per check category of one scan (only categories with findings). */
  categorySummary(scanId: string): Promise<Map<string, SeverityCounts>> {
    return this.repo.countsByCategory(scanId);
  }
}

/** Rejects malformed filters with every problem named, before any query runs. */
function validate(query: FindingQuery): void {
  const issues: { field: string; message: string }[] = [];
  if (query.minScore !== undefined && query.minScore !== null && !(query.minScore >= 0 && query.minScore <= 10)) {
    issues.push({ field: 'filter.minScore', message: 'minScore must be between 0 and 10' });
  }
  if (query.cve && !/^CVE-\d{4}-\d{4,19}$/i.test(query.cve.trim())) issues.push({ field: 'filter.cve', message: `"${query.cve}" is not a CVE id such as CVE-2021-41773` });
  if (query.target && query.target.length > 2100) issues.push({ field: 'filter.target', message: 'target is longer than 2100 characters' });
  if (issues.length > 0) throw new BadUserInputError(issues);
}

/** `score:<score>:<id>` for the SCORE order, the shared `<created_at>:<id>` otherwise. */
function decodeFindingCursor(raw: string | null | undefined, order: FindingOrder): FindingCursor | null {
  if (raw === null || raw === undefined || raw === '') return null;
  const isScore = raw.startsWith('score:');
  if (isScore !== (order === 'SCORE')) throw new BadUserInputError([{ field: 'after', message: `is a cursor of another order than ${order}` }]);
  if (!isScore) {
    const c = decodeCursor(raw)!;
    return { order: 'NEWEST', createdAt: c.createdAt, id: c.id };
  }
  const m = /^score:(\d+(?:\.\d+)?):([0-9a-f-]{36})$/i.exec(raw);
  if (!m) throw new BadUserInputError([{ field: 'after', message: 'is not a cursor returned by this API' }]);
  return { order: 'SCORE', score: Number(m[1]), id: m[2]! };
}
