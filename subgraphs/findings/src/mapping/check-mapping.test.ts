import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../lib/paths.js';
import { checkCatalogue } from '../../../scans/src/scanner/catalogue.js';
import { parseAttack, type AttackTechnique } from '../intel/parsers/attack.parser.js';
import { csvObjects, parseCsv } from '../intel/parsers/csv.js';
import { parseCwe } from '../intel/parsers/cwe.parser.js';
import { parseAttackD3fend, parseD3fendTechniques } from '../intel/parsers/d3fend.parser.js';
import { CHECK_MAPPING, checkMapping, isAnnexAId, mappedCheckIds, parseCheckMapping } from './check-mapping.js';

const DATA = path.resolve(REPO_ROOT, '..', 'shared', 'data');
const FILES = {
  attack: path.join(DATA, 'attack', 'enterprise-attack-18.1.json.gz'),
  cwe: path.join(DATA, 'cwe', 'cwe_1000_research_view.csv'),
  d3fend: path.join(DATA, 'd3fend', 'd3fend-1.6.0-techniques.csv'),
  attackD3fend: path.join(DATA, 'd3fend', 'attack-to-d3fend-derived-20250825.csv'),
  cisIso: path.join(DATA, 'mappings', 'cis-controls-v8_to_iso27001-2022.csv'),
};
const haveData = Object.values(FILES).every((f) => existsSync(f));
if (!haveData) console.warn(`check-mapping.test: the snapshots under ${DATA} are absent, skipping the tests against them`);

/** Share of (CIS safeguard, ISO control) pairs that the CIS→ISO file itself links; below it fails. */
const MIN_LINKED_SHARE = 0.65;

const entries = Object.entries(CHECK_MAPPING.checks);
const catalogueIds = checkCatalogue().all().map((c) => c.id).sort();

describe('the check mapping file', () => {
  it('maps every check of the scanner catalogue, and nothing else', () => {
    expect(mappedCheckIds()).toEqual(catalogueIds);
    for (const id of catalogueIds) expect(checkMapping(id), id).not.toBeNull();
    expect(checkMapping('no.such-check')).toBeNull();
  });

  it("keeps each check's own CWE, and explains the CWE chosen for a check that has none", () => {
    for (const check of checkCatalogue().all()) {
      const m = checkMapping(check.id)!;
      if (check.cweId) expect(m.cweId, check.id).toBe(check.cweId);
      else expect(m.note, `${check.id} has no CWE of its own: the note must say why ${m.cweId}`).toContain(m.cweId);
    }
  });

  it('gives ISO/IEC 27001:2022 Annex A ids only (A.5.1–A.5.37, A.6.1–A.6.8, A.7.1–A.7.14, A.8.1–A.8.34)', () => {
    for (const [id, m] of entries) expect(isAnnexAId(m.iso27001.id), `${id}: ${m.iso27001.id}`).toBe(true);
    expect(['A.5.1', 'A.5.37', 'A.6.8', 'A.7.14', 'A.8.34'].every(isAnnexAId)).toBe(true);
    expect(['A.5.38', 'A.6.9', 'A.7.0', 'A.8.35', 'A.9.1', 'A.4.1', 'A.8.09', '8.9'].some(isAnnexAId)).toBe(false);
  });

  it('rejects a malformed entry with an error that names the check', () => {
    const bad = structuredClone(CHECK_MAPPING) as { checks: Record<string, Record<string, unknown>> };
    bad.checks['cors.wildcard']!.attack = { techniqueId: 'T190', tacticId: 'TA0001' };
    expect(() => parseCheckMapping(bad)).toThrow(/checks › cors\.wildcard › attack › techniqueId: not T####/);
    const renamed = structuredClone(CHECK_MAPPING);
    renamed.checks['tls.weak-key']!.iso27001 = { id: 'A.8.24', name: 'Cryptography' };
    expect(() => parseCheckMapping(renamed)).toThrow(/tls\.weak-key › iso27001\.name: "Cryptography" differs from "Use of cryptography"/);
  });
});

describe.skipIf(!haveData)('the check mapping against the reference data in shared/data', () => {
  let techniques: Map<string, AttackTechnique>;
  let cisIso: Map<string, Set<string>>;
  beforeAll(() => {
    techniques = new Map(parseAttack(readFileSync(FILES.attack), '18.1').records.techniques.map((t) => [t.id, t]));
    cisIso = new Map();
    for (const row of csvObjects(parseCsv(readFileSync(FILES.cisIso, 'utf8'), 'cis-iso'))) {
      if (row.source_framework !== 'cis-controls-v8' || row.target_framework !== 'iso27001-2022') continue;
      const targets = cisIso.get(row.source_id!) ?? new Set<string>();
      targets.add(row.target_id!);
      cisIso.set(row.source_id!, targets);
    }
  });

  it('names only weaknesses of the CWE research view (1000)', () => {
    const weaknesses = new Set(parseCwe(readFileSync(FILES.cwe)).records.map((r) => r.cweId));
    const unknown = entries.filter(([, m]) => !weaknesses.has(m.cweId)).map(([id, m]) => `${id}: ${m.cweId}`);
    expect(unknown).toEqual([]);
  });

  it('names live ATT&CK v18.1 techniques, each with one of its own tactics', () => {
    const problems: string[] = [];
    for (const [id, { attack }] of entries) {
      const technique = techniques.get(attack.techniqueId);
      if (!technique) problems.push(`${id}: ${attack.techniqueId} is not a live technique`);
      else if (!technique.tactics.includes(attack.tacticId)) problems.push(`${id}: ${attack.tacticId} is not a tactic of ${attack.techniqueId} (${technique.tactics.join(', ')})`);
    }
    expect(problems).toEqual([]);
  });

  it('names only D3FEND 1.6.0 techniques', () => {
    const known = new Set(parseD3fendTechniques(readFileSync(FILES.d3fend), '1.6.0').records.map((t) => t.id));
    const unknown = entries.flatMap(([id, m]) => m.d3fend.filter((d) => !known.has(d)).map((d) => `${id}: ${d}`));
    expect(unknown).toEqual([]);
  });

  it('reports how many countermeasures the ATT&CK→D3FEND table links to the chosen technique', () => {
    const linked = new Set(parseAttackD3fend(readFileSync(FILES.attackD3fend)).records.map((l) => `${l.attackId}|${l.d3fendId}`));
    const all = entries.flatMap(([, m]) => m.d3fend.map((d) => `${m.attack.techniqueId}|${d}`));
    const share = all.filter((pair) => linked.has(pair)).length;
    // Informational: the derived table mostly offers network detections; the fix decides the choice.
    console.info(`check-mapping: ${share} of ${all.length} D3FEND countermeasures are linked to their ATT&CK technique by the derived table`);
    expect(share).toBeGreaterThan(0);
  });

  it('names only CIS safeguards that the CIS→ISO mapping file lists', () => {
    const unknown = entries.filter(([, m]) => !cisIso.has(m.cis)).map(([id, m]) => `${id}: CIS ${m.cis}`);
    expect(unknown).toEqual([]);
  });

  it(`pairs CIS and ISO as the CIS→ISO file does for at least ${MIN_LINKED_SHARE * 100}% of checks, and explains every other pair`, () => {
    const unlinked = entries.filter(([, m]) => !cisIso.get(m.cis)?.has(m.iso27001.id));
    const share = (entries.length - unlinked.length) / entries.length;
    console.info(
      `check-mapping: ${entries.length - unlinked.length} of ${entries.length} (cis, iso) pairs are linked by the CIS→ISO file (${(share * 100).toFixed(1)}%); ` +
        `not linked: ${unlinked.map(([id, m]) => `${id} (${m.cis} → ${m.iso27001.id})`).join(', ')}`,
    );
    expect(share).toBeGreaterThanOrEqual(MIN_LINKED_SHARE);
    const unexplained = unlinked.filter(([, m]) => !m.note?.includes(m.iso27001.id)).map(([id]) => id);
    expect(unexplained).toEqual([]);
  });
});
