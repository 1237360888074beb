import { canadianMapping, cccsCatalogue, itsg33Catalogue } from '../../../subgraphs/findings/src/mapping/canadian-frameworks.js';
import { CHECK_MAPPING } from '../../../subgraphs/findings/src/mapping/check-mapping.js';
import type { ReportCheck, ReportData, ReportFinding } from './report-data.js';

export type ControlStatus = 'failed' | 'passed' | 'not_assessed';

/** One row of a control-by-control table, with the evidence that supports its status. */
export interface ControlRow {
  id: string;
  name: string;
  status: ControlStatus;
  statusLabel: string;
  /** Failed: the findings that map here (title, where, status). */
  findings: { id: string; title: string; where: string; status: string }[];
  /** Passed: the checks that ran and found nothing; not assessed: why. */
  evidence: string;
}

export interface FrameworkTable {
  key: string;
  title: string;
  rows: ControlRow[];
  failed: number;
  passed: number;
  notAssessed: number;
}

const LABEL: Record<ControlStatus, string> = { failed: 'Failed', passed: 'Passed', not_assessed: 'Not assessed' };
const PROFILE_RANK = { LIGHT: 0, STANDARD: 1, AGGRESSIVE: 2 } as const;

/** Checks this scan ran: its mode allows them and its profile is at least theirs. */
export function checksRun(data: ReportData): ReportCheck[] {
  if (data.scan.status !== 'COMPLETED') return [];
  return data.checks.filter((c) => (c.mode === 'PASSIVE' || data.scan.mode === 'ACTIVE') && PROFILE_RANK[c.profile] <= PROFILE_RANK[data.scan.profile]);
}

/** A framework: its catalogue of rows, and which controls a check or a finding maps to. */
interface Framework {
  key: string;
  title: string;
  catalogue: { id: string; name: string }[];
  ofCheck(checkId: string): string[];
  ofFinding(f: ReportFinding): { id: string; name: string }[];
}

/** Annex A ids and CIS safeguards sort by their numbers (A.5.10 after A.5.9). */
function byNumbers(a: string, b: string): number {
  const na = a.match(/\d+/g)?.map(Number) ?? [];
  const nb = b.match(/\d+/g)?.map(Number) ?? [];
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const d = (na[i] ?? -1) - (nb[i] ?? -1);
    if (d) return d;
  }
  return a.localeCompare(b);
}

const mappings = Object.entries(CHECK_MAPPING.checks);

function catalogueOf(pairs: { id: string; name: string }[]): { id: string; name: string }[] {
  const byId = new Map<string, string>();
  for (const p of pairs) if (!byId.has(p.id) || !byId.get(p.id)) byId.set(p.id, p.name);
  return [...byId].map(([id, name]) => ({ id, name })).sort((a, b) => byNumbers(a.id, b.id));
}

/**
 * The frameworks of the compliance report. ISO/IEC 27001:2022 and CIS Controls v8 rows are the
 * controls the scanner's checks map to (check-mapping.json); a finding's own mapping (as the
 * findings API enriched it) decides failure. The Canadian frameworks list their whole catalogues
 * (13 CCCS baseline controls, 17 ITSG-33 families): those no external check can observe stay
 * "not assessed", which is the honest answer for them.
 */
function frameworks(findings: ReportFinding[]): Framework[] {
  return [
    {
      key: 'iso27001',
      title: 'ISO/IEC 27001:2022 Annex A',
      catalogue: catalogueOf([
        ...mappings.map(([, m]) => ({ id: m.iso27001.id, name: m.iso27001.name })),
        ...findings.filter((f) => f.iso27001ControlId).map((f) => ({ id: f.iso27001ControlId!, name: f.iso27001ControlName ?? '' })),
      ]),
      ofCheck: (id) => {
        const m = CHECK_MAPPING.checks[id];
        return m ? [m.iso27001.id] : [];
      },
      ofFinding: (f) => (f.iso27001ControlId ? [{ id: f.iso27001ControlId, name: f.iso27001ControlName ?? '' }] : []),
    },
    {
      key: 'cis',
      title: 'CIS Critical Security Controls v8 (safeguards)',
      catalogue: catalogueOf([...mappings.map(([, m]) => ({ id: m.cis, name: '' })), ...findings.filter((f) => f.cisControlId).map((f) => ({ id: f.cisControlId!, name: '' }))]).map(
        (c) => ({ ...c, name: `Safeguard ${c.id}` }),
      ),
      ofCheck: (id) => {
        const m = CHECK_MAPPING.checks[id];
        return m ? [m.cis] : [];
      },
      ofFinding: (f) => (f.cisControlId ? [{ id: f.cisControlId, name: '' }] : []),
    },
    {
      key: 'cccs',
      title: 'Canadian Centre for Cyber Security baseline controls (small and medium organizations)',
      catalogue: cccsCatalogue(),
      ofCheck: (id) => canadianMapping(id)?.cccsControls.map((c) => c.id) ?? [],
      ofFinding: (f) => f.cccsControls ?? canadianMapping(f.checkId)?.cccsControls ?? [],
    },
    {
      key: 'itsg33',
      title: 'ITSG-33 security control families (Annex 3A)',
      catalogue: itsg33Catalogue(),
      ofCheck: (id) => canadianMapping(id)?.itsg33Families.map((c) => c.id) ?? [],
      ofFinding: (f) => f.itsg33Families ?? canadianMapping(f.checkId)?.itsg33Families ?? [],
    },
  ];
}

const STATUS_WORDS: Record<string, string> = { OPEN: 'open', IN_PROGRESS: 'in progress', FIXED: 'fixed', ACCEPTED_RISK: 'risk accepted' };

/**
 * The control-by-control tables. Rule: a control FAILED when a finding of this scan that is not
 * fixed maps to it (an accepted risk still fails: the gap is there); PASSED when the scan
 * completed and ran at least one check that maps to it, and none of them found anything unfixed;
 * NOT ASSESSED otherwise (no check of this scan's profile and mode observes it, or the scan did
 * not complete).
 */
export function complianceTables(data: ReportData): FrameworkTable[] {
  const ran = checksRun(data);
  const completed = data.scan.status === 'COMPLETED';
  return frameworks(data.findings).map((fw) => {
    const failing = new Map<string, ReportFinding[]>();
    for (const f of data.findings) {
      if (f.status === 'FIXED') continue;
      for (const c of fw.ofFinding(f)) failing.set(c.id, [...(failing.get(c.id) ?? []), f]);
    }
    const rows: ControlRow[] = fw.catalogue.map((control) => {
      const found = failing.get(control.id) ?? [];
      const checks = ran.filter((c) => fw.ofCheck(c.id).includes(control.id));
      let status: ControlStatus;
      let evidence: string;
      if (found.length) {
        status = 'failed';
        evidence = `${found.length} finding${found.length === 1 ? '' : 's'} of this scan map${found.length === 1 ? 's' : ''} to this control.`;
      } else if (checks.length) {
        status = 'passed';
        evidence = `Checked with no finding: ${checks.map((c) => c.title).join('; ')}.`;
      } else {
        status = 'not_assessed';
        evidence = !completed
          ? 'The scan did not complete, so no check result stands for this control.'
          : 'No check of this scan\'s profile and mode observes this control from outside; assess it by other means.';
      }
      return {
        id: control.id,
        name: control.name,
        status,
        statusLabel: LABEL[status],
        findings: found.slice(0, 20).map((f) => ({ id: f.id, title: f.title, where: f.location ? `${f.target} (${f.location})` : f.target, status: STATUS_WORDS[f.status] ?? f.status })),
        evidence: found.length > 20 ? `${evidence} The first 20 are listed.` : evidence,
      };
    });
    return {
      key: fw.key,
      title: fw.title,
      rows,
      failed: rows.filter((r) => r.status === 'failed').length,
      passed: rows.filter((r) => r.status === 'passed').length,
      notAssessed: rows.filter((r) => r.status === 'not_assessed').length,
    };
  });
}
