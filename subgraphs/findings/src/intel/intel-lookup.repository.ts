import type { EntityManager } from '@mikro-orm/postgresql';

export interface KevFacts {
  cveId: string;
  ransomware: boolean;
  dateAdded: string;
  dueDate: string | null;
}
export interface EpssFacts {
  cveId: string;
  epss: number;
  percentile: number;
}

/** Batched reads of the intelligence store by id (public reference data, shared by every tenant). */
export class IntelLookupRepository {
  constructor(private readonly em: EntityManager) {}

  private async rows<T>(sql: string, ids: string[]): Promise<T[]> {
    if (ids.length === 0) return [];
    // `in (?)` with an array binding expands to one placeholder per id.
    return this.em.getConnection().execute<T[]>(sql, [ids]);
  }

  kev(cveIds: string[]): Promise<KevFacts[]> {
    return this.rows(
      'select cve_id as "cveId", ransomware, date_added as "dateAdded", due_date as "dueDate" from findings.intel_kev where cve_id in (?)',
      cveIds,
    );
  }

  epss(cveIds: string[]): Promise<EpssFacts[]> {
    return this.rows('select cve_id as "cveId", epss, percentile from findings.intel_epss where cve_id in (?)', cveIds);
  }

  async names(table: 'intel_cwe' | 'intel_attack_technique' | 'intel_attack_tactic' | 'intel_d3fend_technique', ids: string[]): Promise<Map<string, string>> {
    const key = table === 'intel_cwe' ? 'cwe_id' : 'id';
    const rows = await this.rows<{ id: string; name: string }>(`select ${key} as id, name from findings.${table} where ${key} in (?)`, ids);
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}
