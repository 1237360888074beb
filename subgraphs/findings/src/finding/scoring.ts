import type { Severity } from './finding.entity.js';

/**
 * The fixfirst score (0-10): how urgently a finding should be fixed, from what it is, how likely it
 * is to be exploited, how exposed it is and how sure the check is.
 *
 *   score = min(10, (base(severity) + kev + ransomware + 1.5 × epss + exposure) × confidence)
 *
 * - base: CRITICAL 9, HIGH 7, MEDIUM 5, LOW 3, INFO 0.5.
 * - kev: +2.2 when one of its CVEs is in CISA KEV (exploited in the wild). The rule this sets: a
 *   KEV-flagged HIGH (at least 9.2) ranks above a CRITICAL that is not in KEV and whose EPSS is
 *   below 0.1 (at most 9.1); a not-in-KEV CRITICAL with a higher EPSS is likely exploited too and
 *   may rank level or above.
 * - ransomware: +0.5 more when KEV records ransomware campaigns using it.
 * - epss: +1.5 × the highest EPSS probability of its CVEs (0-1): a higher EPSS never lowers it.
 * - exposure: +1.0 for what an attacker reaches directly from the internet without any user:
 *   unauthenticated services and exposed ports (network.*), exposed files and endpoints
 *   (exposure.*) and leaked credentials (secrets.*).
 * - confidence: CONFIRMED ×1.0, FIRM ×0.95, TENTATIVE ×0.8.
 *
 * Rounded to one decimal. Calibrated on the Fix First API's own example: an unauthenticated Redis
 * (HIGH, EPSS 0.247, confirmed) scores 7 + 1.5 × 0.247 + 1 = 8.4.
 */
export interface ScoreInput {
  severity: Severity;
  confidence: string;
  checkId: string;
  kevFlagged: boolean;
  knownRansomwareUse: boolean;
  epssScore: number | null;
}

export type Priority = 'critical' | 'high' | 'medium' | 'low' | 'info';
export type FixUrgency = 'immediate' | 'urgent' | 'soon' | 'planned' | 'none';

const BASE: Record<Severity, number> = { CRITICAL: 9, HIGH: 7, MEDIUM: 5, LOW: 3, INFO: 0.5 };
const CONFIDENCE: Record<string, number> = { CONFIRMED: 1, FIRM: 0.95, TENTATIVE: 0.8 };
const EXPOSED = /^(network|exposure|secrets)\./;

export function fixfirstScore(f: ScoreInput): number {
  const epss = Math.max(0, Math.min(1, f.epssScore ?? 0));
  const raw =
    BASE[f.severity] +
    (f.kevFlagged ? 2.2 : 0) +
    (f.kevFlagged && f.knownRansomwareUse ? 0.5 : 0) +
    1.5 * epss +
    (EXPOSED.test(f.checkId) && f.severity !== 'INFO' ? 1 : 0);
  const score = Math.min(10, raw * (CONFIDENCE[f.confidence] ?? CONFIDENCE.FIRM!));
  return Math.round(score * 10) / 10;
}

/** Priority bands of the score: critical ≥ 9, high ≥ 7, medium ≥ 4, low ≥ 1, else info. */
export function priorityOf(score: number): Priority {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score >= 1) return 'low';
  return 'info';
}

/**
 * How soon to fix, by priority: immediate (within 48 hours, or KEV's due date if sooner), urgent
 * (7 days), soon (30 days), planned (90 days), none (informational).
 */
export function urgencyOf(priority: Priority): FixUrgency {
  return ({ critical: 'immediate', high: 'urgent', medium: 'soon', low: 'planned', info: 'none' } as const)[priority];
}
