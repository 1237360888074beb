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

/** What the feeds say about one finding: KEV, highest EPSS, and the score that follows. */
export interface FeedView {
  kevFlagged: boolean;
  epss: number | null;
  score: number;
}

/** The feed view of one finding from its own fields and its CVEs' facts. */
export function feedView(
  f: { severity: Severity; confidence?: string | null; checkId: string; cveIds?: string[] | null },
  facts: { kev: Map<string, boolean>; epss: Map<string, number> },
): FeedView {
  const cves = f.cveIds ?? [];
  const inKev = cves.filter((c) => facts.kev.has(c));
  const scores = cves.map((c) => facts.epss.get(c)).filter((e): e is number => e !== undefined);
  const epss = scores.length ? Math.max(...scores) : null;
  const kevFlagged = inKev.length > 0;
  const score = fixfirstScore({
    severity: f.severity,
    confidence: f.confidence ?? 'FIRM',
    checkId: f.checkId,
    kevFlagged,
    knownRansomwareUse: inKev.some((c) => facts.kev.get(c)),
    epssScore: epss,
  });
  return { kevFlagged, epss, score };
}

/**
 * How far EPSS must move (absolute probability) to be reported as a change on its own. EPSS is
 * republished daily and most scores drift by thousandths; a change that moves the score, or KEV,
 * is always reported. The stored EPSS is the last reported one, so slow drift adds up and is
 * reported once it reaches this.
 */
export const EPSS_REPORT_DELTA = 0.01;

/** A finding whose feed view changed, and whether subscribers hear of it. */
interface Rescored {
  id: string;
  before: FeedView;
  after: FeedView;
}

/** What a rescoring did. */
export interface RescoreResult {
  /** Findings whose stored KEV, EPSS or score changed. */
  rescored: number;
  /** Change events recorded (unfixed problems' latest sightings). */
  changes: number;
}

/** The NOTIFY channel of finding changes; the payload is `<accountId>:<newest change id>`. */
export const FINDING_CHANGES_CHANNEL = 'fixfirst_finding_changes';

/** pg_advisory_xact_lock key of rescoring ('ffrs'). */
export const RESCORE_LOCK = 0x66667273;

/** Change events are kept this long for subscribers resuming with `after`. */
const CHANGE_RETENTION_DAYS = 90;

export type ChangeReason = 'KEV_ADDED' | 'KEV_REMOVED' | 'EPSS_CHANGED' | 'SCORE_CHANGED';

/** What changed between two feed views of a finding; empty when nothing worth reporting did. */
export function changeReasons(before: FeedView, after: FeedView): ChangeReason[] {
  const reasons: ChangeReason[] = [];
  if (!before.kevFlagged && after.kevFlagged) reasons.push('KEV_ADDED');
  if (before.kevFlagged && !after.kevFlagged) reasons.push('KEV_REMOVED');
  const appeared = (before.epss === null) !== (after.epss === null);
  if (appeared || (before.epss !== null && after.epss !== null && Math.abs(after.epss - before.epss) >= EPSS_REPORT_DELTA)) reasons.push('EPSS_CHANGED');
  if (before.score !== after.score) reasons.push('SCORE_CHANGED');
  return reasons;
}

/**
 * After a KEV or EPSS update, inside the transaction that loaded it: recomputes the feed view of
 * every finding about a CVE, writes the ones that changed, and records a change event (then
 * NOTIFY, delivered at commit) for each one that is the latest sighting of an unfixed problem.
 * Findings without CVEs do not depend on feeds.
 */
export async function rescoreCveFindings(query: Query, feed: string): Promise<RescoreResult> {
  // One rescoring at a time (a cron worker and an operator's CLI may sync at once): change ids
  // then commit in the order they were taken, so a reader's "after id N" never skips one.
  await query('select pg_advisory_xact_lock($1)', [RESCORE_LOCK]);
  const rows = await query<{
    id: string;
    severity: Severity;
    confidence: string;
    check_id: string;
    cve_ids: string[];
    score: number;
    kev_flagged: boolean;
    epss: number | null;
  }>("select id, severity, confidence, check_id, cve_ids, score, kev_flagged, epss from findings.finding where cve_ids <> '{}'", []);
  if (rows.length === 0) return { rescored: 0, changes: 0 };
  const facts = await cveFacts(pgCveLookup(query), [...new Set(rows.flatMap((r) => r.cve_ids))]);
  const rescored: Rescored[] = [];
  for (const r of rows) {
    const before: FeedView = { kevFlagged: r.kev_flagged, epss: r.epss === null ? null : Number(r.epss), score: Number(r.score) };
    const after = feedView({ severity: r.severity, confidence: r.confidence, checkId: r.check_id, cveIds: r.cve_ids }, facts);
    if (changeReasons(before, after).length > 0) rescored.push({ id: r.id, before, after });
  }
  let changes = 0;
  const newest = new Map<string, number>();
  for (let i = 0; i < rescored.length; i += 10_000) {
    const chunk = rescored.slice(i, i + 10_000);
    await query(
      `update findings.finding f set score = u.score, kev_flagged = u.kev, epss = u.epss
         from unnest($1::uuid[], $2::float8[], $3::bool[], $4::float8[]) as u(id, score, kev, epss) where f.id = u.id`,
      [chunk.map((c) => c.id), chunk.map((c) => c.after.score), chunk.map((c) => c.after.kevFlagged), chunk.map((c) => c.after.epss)],
    );
    // Only the sighting the API shows for a problem still to fix is news: older sightings and
    // fixed problems are rescored silently. No state yet means open (as the API shows it).
    const inserted = await query<{ account_id: string; n: number; newest: string }>(
      `with ins as (
         insert into findings.finding_change
           (account_id, client_id, finding_id, fingerprint, feed, kev_before, kev_after, epss_before, epss_after, score_before, score_after, at)
         select f.account_id, f.client_id, f.id, f.fingerprint, $1, u.kev_before, f.kev_flagged, u.epss_before, f.epss, u.score_before, f.score, now()
           from unnest($2::uuid[], $3::bool[], $4::float8[], $5::float8[]) as u(id, kev_before, epss_before, score_before)
           join findings.finding f on f.id = u.id
           left join findings.finding_state s on s.client_id = f.client_id and s.fingerprint = f.fingerprint
          where s.id is null or (s.last_scan_id = f.scan_id and s.status <> 'fixed')
         returning account_id, id)
       select account_id, count(*)::int as n, max(id)::text as newest from ins group by account_id`,
      [feed, chunk.map((c) => c.id), chunk.map((c) => c.before.kevFlagged), chunk.map((c) => c.before.epss), chunk.map((c) => c.before.score)],
    );
    for (const row of inserted) {
      changes += row.n;
      newest.set(row.account_id, Math.max(newest.get(row.account_id) ?? 0, Number(row.newest)));
    }
  }
  // One wake-up per account, naming its newest change; inside a transaction, delivered at commit.
  if (newest.size > 0) {
    const payloads = [...newest].map(([accountId, id]) => `${accountId}:${id}`);
    await query('select pg_notify($1, p) from unnest($2::text[]) as p', [FINDING_CHANGES_CHANNEL, payloads]);
  }
  await query(`delete from findings.finding_change where at < now() - make_interval(days => $1)`, [CHANGE_RETENTION_DAYS]);
  return { rescored: rescored.length, changes };
}
