import { fixfirstScore } from './scoring.js';
import type { Severity } from './finding.entity.js';

/** Runs pg-style (`$n`) SQL and returns the rows. */
export type Query = <T>(sql: string, params: unknown[]) => Promise<T[]>;

/** Reads KEV and EPSS facts by CVE id (IntelLookupRepository on the ORM, or plain pg). */
export interface CveLookup {
  kev(cveIds: string[]): Promise<{ cveId: string; ransomware: boolean }[]>;
  epss(cveIds: string[]): Promise<{ cveId: string; epss: number }[]>;
}

/** A CveLookup over plain pg (the intel sync's own connection). */
function pgCveLookup(query: Query): CveLookup {
  return {
    kev: (ids) => query('select cve_id as "cveId", ransomware from findings.intel_kev where cve_id = any($1::text[])', [ids]),
    epss: (ids) => query('select cve_id as "cveId", epss from findings.intel_epss where cve_id = any($1::text[])', [ids]),
  };
}

/** What scoring needs to know about a finding's CVEs, read in one go. */
export async function cveFacts(lookup: CveLookup, cveIds: string[]): Promise<{ kev: Map<string, boolean>; epss: Map<string, number> }> {
  if (cveIds.length === 0) return { kev: new Map(), epss: new Map() };
  const [kev, epss] = await Promise.all([lookup.kev(cveIds), lookup.epss(cveIds)]);
  return { kev: new Map(kev.map((k) => [k.cveId, k.ransomware])), epss: new Map(epss.map((e) => [e.cveId, Number(e.epss)])) };
}

/** The score of one finding from its own fields and its CVEs' facts. */
export function scoreWith(
  f: { severity: Severity; confidence?: string | null; checkId: string; cveIds?: string[] | null },
  facts: { kev: Map<string, boolean>; epss: Map<string, number> },
): number {
  const cves = f.cveIds ?? [];
  const inKev = cves.filter((c) => facts.kev.has(c));
  const epss = cves.map((c) => facts.epss.get(c)).filter((e): e is number => e !== undefined);
  return fixfirstScore({
    severity: f.severity,
    confidence: f.confidence ?? 'FIRM',
    checkId: f.checkId,
    kevFlagged: inKev.length > 0,
    knownRansomwareUse: inKev.some((c) => facts.kev.get(c)),
    epssScore: epss.length ? Math.max(...epss) : null,
  });
}

/**
 * After a KEV or EPSS update: recomputes the stored score of every finding about a CVE and writes
 * the ones that changed. Returns how many changed. (Findings without CVEs do not depend on feeds.)
 */
export async function rescoreCveFindings(query: Query): Promise<number> {
  const rows = await query<{ id: string; severity: Severity; confidence: string; check_id: string; cve_ids: string[]; score: number }>(
    "select id, severity, confidence, check_id, cve_ids, score from findings.finding where cve_ids <> '{}'",
    [],
  );
  if (rows.length === 0) return 0;
  const facts = await cveFacts(pgCveLookup(query), [...new Set(rows.flatMap((r) => r.cve_ids))]);
  const changed = rows
    .map((r) => ({ id: r.id, score: scoreWith({ severity: r.severity, confidence: r.confidence, checkId: r.check_id, cveIds: r.cve_ids }, facts), old: Number(r.score) }))
    .filter((r) => r.score !== r.old);
  for (let i = 0; i < changed.length; i += 10_000) {
    const chunk = changed.slice(i, i + 10_000);
    await query(
      'update findings.finding f set score = u.score from unnest($1::uuid[], $2::float8[]) as u(id, score) where f.id = u.id',
      [chunk.map((c) => c.id), chunk.map((c) => c.score)],
    );
  }
  return changed.length;
}
