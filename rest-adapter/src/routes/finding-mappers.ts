import { z } from 'zod';
import { lower, type GqlFindingStatus, type GqlSeverity } from './shared.js';

const SEVERITY_WORDS = ['critical', 'high', 'medium', 'low', 'info'] as const;
const STATUS_WORDS = ['open', 'in_progress', 'fixed', 'accepted_risk'] as const;

/** A finding as the ScanEnrichedFindings operation returns it. */
export interface GqlEnrichedFinding {
  id: string;
  scanId: string;
  checkId: string;
  severity: GqlSeverity;
  title: string;
  description: string;
  evidence: Record<string, unknown>;
  remediation: string;
  cweId: string | null;
  cweName: string | null;
  target: string;
  location: string | null;
  cveIds: string[];
  confidence: string;
  fingerprint: string;
  createdAt: string;
  kevFlagged: boolean;
  knownRansomwareUse: boolean;
  epssScore: number | null;
  epssPercentile: number | null;
  mitreTechniqueId: string | null;
  mitreTechniqueName: string | null;
  mitreTacticId: string | null;
  mitreTacticName: string | null;
  d3fendCountermeasures: { id: string; name: string }[];
  cisControlId: string | null;
  iso27001ControlId: string | null;
  iso27001ControlName: string | null;
  fixfirstScore: number;
  fixfirstPriority: string;
  fixUrgency: string;
  status: GqlFindingStatus;
  firstSeen: string;
  lastSeen: string;
  fixedAt: string | null;
  regressed: boolean;
  occurrences: number;
}

/** A finding as the v1 operations (ScanFindings, ListFindings) return it. */
export interface GqlV1Finding {
  id: string;
  scanId: string;
  checkId: string;
  severity: GqlSeverity;
  title: string;
  description: string;
  evidence: Record<string, unknown>;
  remediation: string;
  cweId: string | null;
  createdAt: string;
}

const d3fendSchema = z.object({ id: z.string().describe('e.g. D3-MFA'), name: z.string() });

/** The Fix First document's enriched finding, with the fields the platform adds (issue 4's union). */
export const enrichedFindingSchema = z
  .object({
    id: z.string().describe('The finding id (UUID): the `finding_id` of PATCH /finding/{finding_id}/remediate.'),
    finding_id: z.string().describe('The same id as `id`, under the name the remediation route uses.'),
    scan_id: z.string(),
    check_id: z.string().describe('Stable check id, `<category>.<name>`.'),
    title: z.string(),
    severity: z.enum(SEVERITY_WORDS),
    description: z.string(),
    evidence: z.record(z.string(), z.unknown()).describe('What was observed (e.g. the response headers seen).'),
    remediation: z.string(),
    target: z.string().describe('The URL or address the check tested.'),
    location: z.string().nullable().describe('Where on the target: a header, a cookie, `file.js:12`, `6379/tcp`.'),
    confidence: z.string().describe('CONFIRMED, FIRM or TENTATIVE.'),
    fixfirst_score: z.number().describe('How urgently to fix it, 0-10.'),
    fixfirst_priority: z.string().describe('critical (score ≥ 9), high (≥ 7), medium (≥ 4), low (≥ 1) or info.'),
    fix_urgency: z.string().describe('immediate (48 h), urgent (7 days), soon (30 days), planned (90 days) or none.'),
    kev_flagged: z.boolean().describe('One of its CVEs is in CISA KEV.'),
    known_ransomware_use: z.boolean().describe('CISA KEV records ransomware use of one of its CVEs.'),
    cve_ids: z.array(z.string()),
    epss_score: z.number().nullable().describe('Highest FIRST EPSS 30-day exploit probability (0-1) among its CVEs; null without CVEs.'),
    epss_percentile: z.number().nullable(),
    mitre_tactic_id: z.string().nullable(),
    mitre_tactic_name: z.string().nullable(),
    mitre_technique_id: z.string().nullable(),
    mitre_technique_name: z.string().nullable(),
    d3fend_countermeasures: z
      .string()
      .describe('MITRE D3FEND countermeasures as a JSON-encoded string, as the published document shows it ("[...]"): `[{"id":"D3-…","name":"…"}]`, "[]" when none. The same list as JSON is `d3fend_countermeasures_list`.'),
    d3fend_countermeasures_list: z.array(d3fendSchema).describe('The D3FEND countermeasures as a JSON array (the decoded `d3fend_countermeasures`).'),
    cwe_id: z.string().nullable(),
    cwe_name: z.string().nullable(),
    cis_control_id: z
      .string()
      .nullable()
      .describe('The CIS Controls v8 control, `CIS-<n>` as the published document writes it: the control number of the mapped safeguard (safeguard 4.1 → "CIS-4"). The safeguard itself is `cis_safeguard_id`.'),
    cis_safeguard_id: z.string().nullable().describe('The CIS Controls v8 safeguard, e.g. "4.1".'),
    iso27001_control_id: z.string().nullable().describe('ISO/IEC 27001:2022 Annex A control, e.g. A.8.20.'),
    iso27001_control_name: z.string().nullable(),
    status: z.enum(STATUS_WORDS).describe('Of this problem of this client, across scans.'),
    fingerprint: z.string().describe('Stable identity of the problem (check, target, location), the same across scans.'),
    first_seen: z.iso.datetime(),
    last_seen: z.iso.datetime(),
    fixed_at: z.iso.datetime().nullable(),
    regressed: z.boolean(),
    occurrences: z.number().int(),
    created_at: z.iso.datetime(),
  })
  .describe('A finding with its threat-intelligence and framework enrichment.');
export type EnrichedFinding = z.infer<typeof enrichedFindingSchema>;

/** `CIS-4` from the v8 safeguard `4.1` (the document names controls, the mapping safeguards). */
export function cisControlOf(safeguard: string | null): string | null {
  if (!safeguard) return null;
  const control = /^(\d+)/.exec(safeguard.trim());
  return control ? `CIS-${Number(control[1])}` : null;
}

export function toEnrichedFinding(f: GqlEnrichedFinding): EnrichedFinding {
  const d3fend = f.d3fendCountermeasures.map((c) => ({ id: c.id, name: c.name }));
  return {
    id: f.id,
    finding_id: f.id,
    scan_id: f.scanId,
    check_id: f.checkId,
    title: f.title,
    severity: lower(f.severity),
    description: f.description,
    evidence: f.evidence,
    remediation: f.remediation,
    target: f.target,
    location: f.location,
    confidence: f.confidence,
    fixfirst_score: f.fixfirstScore,
    fixfirst_priority: f.fixfirstPriority,
    fix_urgency: f.fixUrgency,
    kev_flagged: f.kevFlagged,
    known_ransomware_use: f.knownRansomwareUse,
    cve_ids: f.cveIds,
    epss_score: f.epssScore,
    epss_percentile: f.epssPercentile,
    mitre_tactic_id: f.mitreTacticId,
    mitre_tactic_name: f.mitreTacticName,
    mitre_technique_id: f.mitreTechniqueId,
    mitre_technique_name: f.mitreTechniqueName,
    d3fend_countermeasures: JSON.stringify(d3fend),
    d3fend_countermeasures_list: d3fend,
    cwe_id: f.cweId,
    cwe_name: f.cweName,
    cis_control_id: cisControlOf(f.cisControlId),
    cis_safeguard_id: f.cisControlId,
    iso27001_control_id: f.iso27001ControlId,
    iso27001_control_name: f.iso27001ControlName,
    status: lower(f.status),
    fingerprint: f.fingerprint,
    first_seen: f.firstSeen,
    last_seen: f.lastSeen,
    fixed_at: f.fixedAt,
    regressed: f.regressed,
    occurrences: f.occurrences,
    created_at: f.createdAt,
  };
}

/** The v1 document's finding. */
export const v1FindingSchema = z.object({
  id: z.string(),
  scan_id: z.string(),
  check_id: z.string().describe('Stable check id, `<category>.<name>`, e.g. secrets.js-bundle-sweep.'),
  severity: z.enum(SEVERITY_WORDS),
  title: z.string(),
  description: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  remediation: z.string(),
  cwe_id: z.string().nullable(),
  created_at: z.iso.datetime(),
});
export type V1Finding = z.infer<typeof v1FindingSchema>;

export function toV1Finding(f: GqlV1Finding): V1Finding {
  return {
    id: f.id,
    scan_id: f.scanId,
    check_id: f.checkId,
    severity: lower(f.severity),
    title: f.title,
    description: f.description,
    evidence: f.evidence,
    remediation: f.remediation,
    cwe_id: f.cweId,
    created_at: f.createdAt,
  };
}
