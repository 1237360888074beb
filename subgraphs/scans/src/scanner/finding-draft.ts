/** Severity levels a check may assign, most severe first. */
export type FindingSeverity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFO';

/** What a check reports before the findings subgraph stores, deduplicates and scores it. */
export interface FindingDraft {
  /** Stable id of the check, e.g. `headers.csp-missing`. */
  checkId: string;
  severity: FindingSeverity;
  title: string;
  description: string;
  evidence: Record<string, unknown>;
  remediation: string;
  cweId: string | null;
  /** The URL, host or address the finding is about. */
  target: string;
}
