import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';
import type { Severity } from './finding.entity.js';

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
}

export interface ScanOwner {
  accountId: string;
  clientId: string;
  scanId: string;
}

/** Same check on the same target is the same problem. */
export function fingerprintOf(f: Pick<NewFinding, 'checkId' | 'target'>): string {
  return createHash('sha256').update(`${f.checkId}\n${f.target}`).digest('hex');
}

/**
 * Records a scan's findings. Exported for the scan worker. Idempotent: a retried job (after a
 * worker died mid-scan) writes each finding once, thanks to the (scan_id, fingerprint) key.
 */
export class FindingWriter {
  constructor(private readonly em: EntityManager) {}

  async record(owner: ScanOwner, findings: NewFinding[]): Promise<number> {
    if (findings.length === 0) return 0;
    const now = new Date();
    const cols = '(id, account_id, client_id, scan_id, check_id, severity, title, description, evidence, remediation, cwe_id, target, fingerprint, created_at)';
    const values: unknown[] = [];
    const rows = findings.map((f) => {
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
        fingerprintOf(f),
        now,
      );
      return '(?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)';
    });
    const inserted = await this.em
      .getConnection()
      .execute<{ id: string }[]>(
        `insert into findings.finding ${cols} values ${rows.join(', ')} on conflict (scan_id, fingerprint) do nothing returning id`,
        values,
      );
    return inserted.length;
  }
}
