import { describe, expect, it } from 'vitest';
import { checkCatalogue } from '../../../scans/src/scanner/catalogue.js';
import {
  CANADIAN_FRAMEWORKS,
  canadianMappedCheckIds,
  canadianChecksByControl,
  canadianMapping,
  cccsCatalogue,
  itsg33Catalogue,
  parseCanadianFrameworks,
} from './canadian-frameworks.js';
import { mappedCheckIds } from './check-mapping.js';

const catalogueIds = checkCatalogue().all().map((c) => c.id).sort();

describe('the Canadian frameworks file', () => {
  it('maps every check of the scanner catalogue to CCCS controls and ITSG-33 families, and nothing else', () => {
    expect(canadianMappedCheckIds()).toEqual(catalogueIds);
    // Same check set as the CWE/ATT&CK/CIS/ISO mapping, so a report never has one without the other.
    expect(canadianMappedCheckIds()).toEqual(mappedCheckIds());
    for (const id of catalogueIds) {
      const m = canadianMapping(id);
      expect(m?.cccsControls.length, id).toBeGreaterThan(0);
      expect(m?.itsg33Families.length, id).toBeGreaterThan(0);
    }
    expect(canadianMapping('no.such-check')).toBeNull();
  });

  it('lists the 13 CCCS baseline controls BC.1–BC.13 and the 17 ITSG-33 Annex 3A families', () => {
    expect(cccsCatalogue().map((c) => c.id)).toEqual(Array.from({ length: 13 }, (_, i) => `BC.${i + 1}`));
    expect(cccsCatalogue().find((c) => c.id === 'BC.11')?.name).toBe('Secure websites');
    expect(itsg33Catalogue().map((f) => f.id)).toEqual(['AC', 'AT', 'AU', 'CA', 'CM', 'CP', 'IA', 'IR', 'MA', 'MP', 'PE', 'PL', 'PS', 'RA', 'SA', 'SC', 'SI']);
    expect(itsg33Catalogue().find((f) => f.id === 'SC')?.name).toBe('System and Communications Protection');
  });

  it('uses only ids of the catalogues, with their names, and explains each mapping in a note', () => {
    const cccs = new Map(cccsCatalogue().map((c) => [c.id, c.name]));
    const families = new Map(itsg33Catalogue().map((f) => [f.id, f.name]));
    for (const id of catalogueIds) {
      const m = canadianMapping(id)!;
      for (const c of m.cccsControls) expect(cccs.get(c.id), `${id}: ${c.id}`).toBe(c.name);
      for (const f of m.itsg33Families) expect(families.get(f.id), `${id}: ${f.id}`).toBe(f.name);
      // The note justifies the choice: it names every control and family it maps to.
      for (const c of m.cccsControls) expect(m.note, `${id}'s note must mention ${c.id}`).toContain(c.id);
      for (const f of m.itsg33Families) expect(m.note, `${id}'s note must mention ${f.id}`).toMatch(new RegExp(`\\b${f.id}\\b`));
    }
  });

  it('indexes the checks of each control, leaving controls no external check observes empty', () => {
    const { cccs, itsg33 } = canadianChecksByControl();
    expect([...cccs.keys()]).toEqual(cccsCatalogue().map((c) => c.id));
    expect(cccs.get('BC.2')).toEqual(['software.known-vulnerable']);
    expect(cccs.get('BC.11')).toContain('transport.no-https');
    for (const unobservable of ['BC.3', 'BC.6', 'BC.8', 'BC.13']) expect(cccs.get(unobservable), unobservable).toEqual([]);
    expect(itsg33.get('SC')).toContain('tls.weak-key');
    expect(itsg33.get('PE')).toEqual([]);
    const pairs = [...cccs.values()].reduce((n, ids) => n + ids.length, 0);
    expect(pairs).toBe(catalogueIds.reduce((n, id) => n + canadianMapping(id)!.cccsControls.length, 0));
  });

  it('cites its sources with a URL on the Canadian Centre for Cyber Security site', () => {
    for (const s of Object.values(CANADIAN_FRAMEWORKS.sources)) expect(new URL(s.url).hostname).toBe('www.cyber.gc.ca');
  });

  it('rejects an unknown control, an unknown family or a short catalogue with an error that names the place', () => {
    const unknown = structuredClone(CANADIAN_FRAMEWORKS);
    unknown.checks['tls.weak-key']!.itsg33 = ['SC', 'ZZ'];
    expect(() => parseCanadianFrameworks(unknown)).toThrow(/checks › tls\.weak-key › itsg33: ZZ is not a family of the catalogue/);
    const malformed = structuredClone(CANADIAN_FRAMEWORKS);
    malformed.checks['cors.wildcard']!.cccs = ['BC.14'];
    expect(() => parseCanadianFrameworks(malformed)).toThrow(/checks › cors\.wildcard › cccs › 0: not a CCCS baseline control id/);
    const short = structuredClone(CANADIAN_FRAMEWORKS);
    delete (short.cccs as Record<string, string>)['BC.13'];
    expect(() => parseCanadianFrameworks(short)).toThrow(/cccs: lists 12 controls, the baseline has 13/);
    const missing = structuredClone(CANADIAN_FRAMEWORKS);
    delete (missing.itsg33 as Record<string, unknown>)['SC'];
    expect(() => parseCanadianFrameworks(missing)).toThrow(/tls\.weak-key › itsg33: SC is not a family/);
    const twice = structuredClone(CANADIAN_FRAMEWORKS);
    twice.checks['transport.no-https']!.cccs = ['BC.11', 'BC.11'];
    expect(() => parseCanadianFrameworks(twice)).toThrow(/transport\.no-https › cccs: lists an id twice/);
  });
});
