import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';
import type { Severity } from './finding.entity.js';
import { pgTextArray } from '../../../../lib/db/pg-array.js';
import { IntelLookupRepository } from '../intel/intel-lookup.repository.js';
import { cveFacts, feedView } from './finding-score.repository.js';

/** What a check reports; the writer adds identity, tenancy and time. */
export interface NewFinding {
  checkId: string;
  severity: Severity;
  title: string;
  description: string;
  evidence: Record<string, unknown>;
  remediation: string;
  cweId: string | null;
  target: string;
  /** Where on the target (a header, a cookie, `file.js:12`, `6379/tcp`); part of the fingerprint. */
  location?: string | null;
  /** CVE ids the finding is about (known-vulnerable software), for KEV and EPSS enrichment. */
  cveIds?: string[];
  /** CONFIRMED, FIRM or TENTATIVE: how sure the check is. */
  confidence?: string;
  /** The scanned host (name or address): what a later scan must cover to verify a fix. */
  host?: string;
}

export interface ScanOwner {
  accountId: string;
  clientId: string;
  scanId: string;
}

/** Same check on the same target at the same location is the same problem. */
export function fingerprintOf(f: Pick<NewFinding, 'checkId' | 'target' | 'location'>): string {
  // Without a location the key is the foundation's (check, target), so earlier fingerprints hold.
  const key = f.location ? `${f.checkId}\n${f.target}\n${f.location}` : `${f.checkId}\n${f.target}`;
  return createHash('sha256').update(key).digest('hex');
}

/**
 * Records a scan's findings. Exported for the scan worker. Idempotent: a retried job (after a
 * worker died mid-scan) writes each finding once, thanks to the (scan_id, fingerprint) key.
 */
export class FindingWriter {
  constructor(private readonly em: EntityManager) {}

  /** Inserts what is new; returns the ids and fingerprints of the rows actually inserted. */
  async record(owner: ScanOwner, findings: NewFinding[]): Promise<{ id: string; fingerprint: string }[]> {
    // One row per fingerprint, even if a check reported the same problem twice.
    findings = [...new Map(findings.map((f) => [fingerprintOf(f), f])).values()];
    if (findings.length === 0) return [];
    const now = new Date();
    const facts = await cveFacts(new IntelLookupRepository(this.em), [...new Set(findings.flatMap((f) => f.cveIds ?? []))]);
    const cols =
      '(id, account_id, client_id, scan_id, check_id, severity, title, description, evidence, remediation, cwe_id, target, host, location, cve_ids, confidence, score, kev_flagged, epss, fingerprint, created_at)';
    const values: unknown[] = [];
    const rows = findings.map((f) => {
      const view = feedView(f, facts);
      values.push(
        uuidv7(),
        owner.accountId,
        owner.clientId,
        owner.scanId,
        f.checkId,
        f.severity,
        f.title.slice(0, 300),
        f.description,
        JSON.stringify(f.evidence),
        f.remediation,
        f.cweId,
        f.target.slice(0, 2100),
        f.host?.slice(0, 300) ?? null,
        f.location?.slice(0, 500) ?? null,
        pgTextArray(f.cveIds ?? []),
        f.confidence ?? 'FIRM',
        view.score,
        view.kevFlagged,
        view.epss,
        fingerprintOf(f),
        now,
      );
      return '(?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?::text[], ?, ?, ?, ?, ?, ?)';
    });
    return this.em
      .getConnection()
      .execute<{ id: string; fingerprint: string }[]>(
        `insert into findings.finding ${cols} values ${rows.join(', ')} on conflict (scan_id, fingerprint) do nothing returning id, fingerprint`,
        values,
      );
  }
}
