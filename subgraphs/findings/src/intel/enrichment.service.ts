import type { EntityManager } from '@mikro-orm/postgresql';
import { Batcher } from '../../../../lib/graphql/batch.js';
import { canadianMapping, type FrameworkControl } from '../mapping/canadian-frameworks.js';
import { checkMapping } from '../mapping/check-mapping.js';
import { IntelLookupRepository } from './intel-lookup.repository.js';

/** What a finding means in the frameworks and feeds, resolved when it is read (feeds apply at once). */
export interface Enrichment {
  kevFlagged: boolean;
  knownRansomwareUse: boolean;
  kevCveIds: string[];
  epssScore: number | null;
  epssPercentile: number | null;
  cweId: string | null;
  cweName: string | null;
  mitreTechniqueId: string | null;
  mitreTechniqueName: string | null;
  mitreTacticId: string | null;
  mitreTacticName: string | null;
  d3fendCountermeasures: { id: string; name: string }[];
  cisControlId: string | null;
  iso27001ControlId: string | null;
  iso27001ControlName: string | null;
  /** CCCS baseline controls for small and medium organizations (BC.1–BC.13), named. */
  cccsControls: FrameworkControl[];
  /** ITSG-33 Annex 3A security control families (e.g. SC), named. */
  itsg33Families: FrameworkControl[];
}

/** The parts of a finding enrichment reads. */
export interface EnrichableFinding {
  id: string;
  checkId: string;
  cweId: string | null;
  cveIds: string[];
}

/**
 * Enriches findings in batches per request: the check's authored mapping (CWE, ATT&CK, D3FEND,
 * CIS, ISO, CCCS, ITSG-33) and, for CVE-based findings, KEV and EPSS from the store (the highest EPSS of its CVEs).
 */
export class EnrichmentService {
  private readonly findings = new Map<string, EnrichableFinding>();
  private readonly batcher: Batcher<string, Enrichment>;
  private readonly repo: IntelLookupRepository;

  constructor(em: EntityManager) {
    this.repo = new IntelLookupRepository(em);
    this.batcher = new Batcher((ids) => this.load(ids), () => empty());
  }

  of(f: EnrichableFinding): Promise<Enrichment> {
    this.findings.set(f.id, f);
    return this.batcher.load(f.id);
  }

  private async load(ids: string[]): Promise<Map<string, Enrichment>> {
    const list = ids.map((id) => this.findings.get(id)!);
    const cves = [...new Set(list.flatMap((f) => f.cveIds))];
    const maps = list.map((f) => ({ f, m: checkMapping(f.checkId) }));
    const cwes = [...new Set(maps.map(({ f, m }) => m?.cweId ?? f.cweId).filter((x): x is string => !!x))];
    const techniques = [...new Set(maps.flatMap(({ m }) => (m ? [m.attack.techniqueId] : [])))];
    const tactics = [...new Set(maps.flatMap(({ m }) => (m ? [m.attack.tacticId] : [])))];
    const d3fend = [...new Set(maps.flatMap(({ m }) => m?.d3fend ?? []))];
    const [kev, epss, cweNames, techniqueNames, tacticNames, d3fendNames] = await Promise.all([
      this.repo.kev(cves),
      this.repo.epss(cves),
      this.repo.names('intel_cwe', cwes),
      this.repo.names('intel_attack_technique', techniques),
      this.repo.names('intel_attack_tactic', tactics),
      this.repo.names('intel_d3fend_technique', d3fend),
    ]);
    const kevBy = new Map(kev.map((k) => [k.cveId, k]));
    const epssBy = new Map(epss.map((e) => [e.cveId, e]));
    const out = new Map<string, Enrichment>();
    for (const { f, m } of maps) {
      const inKev = f.cveIds.map((c) => kevBy.get(c)).filter((k) => k !== undefined);
      const scores = f.cveIds.map((c) => epssBy.get(c)).filter((e) => e !== undefined);
      const top = scores.sort((a, b) => b.epss - a.epss)[0];
      const cweId = m?.cweId ?? f.cweId;
      const canadian = canadianMapping(f.checkId);
      out.set(f.id, {
        kevFlagged: inKev.length > 0,
        knownRansomwareUse: inKev.some((k) => k.ransomware),
        kevCveIds: inKev.map((k) => k.cveId),
        epssScore: top?.epss ?? null,
        epssPercentile: top?.percentile ?? null,
        cweId,
        cweName: cweId ? (cweNames.get(cweId) ?? null) : null,
        mitreTechniqueId: m?.attack.techniqueId ?? null,
        mitreTechniqueName: m ? (techniqueNames.get(m.attack.techniqueId) ?? null) : null,
        mitreTacticId: m?.attack.tacticId ?? null,
        mitreTacticName: m ? (tacticNames.get(m.attack.tacticId) ?? null) : null,
        // Names come from the loaded D3FEND table; ids it does not know are still listed.
        d3fendCountermeasures: (m?.d3fend ?? []).map((id) => ({ id, name: d3fendNames.get(id) ?? id })),
        cisControlId: m?.cis ?? null,
        iso27001ControlId: m?.iso27001.id ?? null,
        iso27001ControlName: m?.iso27001.name ?? null,
        // Authored with their names (canadian-frameworks.json): no feed to load, nothing to look up.
        cccsControls: canadian?.cccsControls ?? [],
        itsg33Families: canadian?.itsg33Families ?? [],
      });
    }
    return out;
  }
}

function empty(): Enrichment {
  return {
    kevFlagged: false,
    knownRansomwareUse: false,
    kevCveIds: [],
    epssScore: null,
    epssPercentile: null,
    cweId: null,
    cweName: null,
    mitreTechniqueId: null,
    mitreTechniqueName: null,
    mitreTacticId: null,
    mitreTacticName: null,
    d3fendCountermeasures: [],
    cisControlId: null,
    iso27001ControlId: null,
    iso27001ControlName: null,
    cccsControls: [],
    itsg33Families: [],
  };
}
