import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../../lib/paths.js';
import { parseAttackD3fend, parseD3fendTechniques } from './d3fend.parser.js';

const DATA = path.resolve(REPO_ROOT, '..', 'shared', 'data');
const haveData = existsSync(DATA);
if (!haveData) console.warn(`d3fend.parser.test: ${DATA} is absent, skipping the snapshot tests`);
const read = (name: string): Buffer => readFileSync(path.join(DATA, 'd3fend', name));

const countBy = (values: string[]): Record<string, number> => values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});

describe.skipIf(!haveData)('D3FEND parsers on the snapshots', () => {
  it('reads the 271 techniques of the official 1.6.0 table, taking the name from whichever depth column holds it', () => {
    const feed = parseD3fendTechniques(read('d3fend-1.6.0-techniques.csv'), '1.6.0');
    expect(feed.version).toBe('1.6.0');
    expect(feed.dataDate).toBeNull();
    expect(feed.records).toHaveLength(271);
    expect(countBy(feed.records.map((r) => r.tactic))).toEqual({ Detect: 90, Isolate: 57, Harden: 55, Model: 27, Evict: 19, Restore: 12, Deceive: 11 });
    const byId = new Map(feed.records.map((r) => [r.id, r]));
    expect(byId.get('D3-OAM')).toEqual({ id: 'D3-OAM', name: 'Operational Activity Mapping', tactic: 'Model', definition: '' });
    expect(byId.get('D3-PLM')?.name).toBe('Physical Link Mapping');
    expect(byId.get('D3-DPLM')).toMatchObject({ name: 'Direct Physical Link Mapping', definition: expect.stringMatching(/^Direct physical link mapping creates/) });
    // The 30 top-level techniques carry no definition in the official table.
    expect(feed.records.filter((r) => r.definition === '')).toHaveLength(30);
  });

  it('versions the table by a content hash when no hint is given, the same for gzipped bytes', () => {
    const buf = read('d3fend-1.6.0-techniques.csv');
    const plain = parseD3fendTechniques(buf);
    expect(plain.version).toMatch(/^sha256-[0-9a-f]{12}$/);
    expect(parseD3fendTechniques(gzipSync(buf))).toEqual(plain);
  });

  it('reads the 249 techniques of the table derived from the 2025-08-25 ontology', () => {
    const feed = parseD3fendTechniques(read('d3fend-ontology-20250825-techniques.csv'));
    expect(feed.records).toHaveLength(249);
    expect(feed.records.find((r) => r.id === 'D3-CHN')).toMatchObject({ name: 'Connected Honeynet', tactic: 'Deceive' });
    expect(feed.records.some((r) => r.id === 'D3-CFP')).toBe(true);
  });

  it('merges the 6,901 mapping rows into 5,327 unique (ATT&CK, D3FEND) pairs over 309 and 179 ids', () => {
    const feed = parseAttackD3fend(read('attack-to-d3fend-derived-20250825.csv'));
    expect(feed.records).toHaveLength(5327);
    expect(new Set(feed.records.map((r) => `${r.attackId}|${r.d3fendId}`)).size).toBe(5327);
    expect(new Set(feed.records.map((r) => r.attackId)).size).toBe(309);
    expect(new Set(feed.records.map((r) => r.d3fendId)).size).toBe(179);
    expect(feed.records.filter((r) => r.attackId === 'T1190')).toHaveLength(15);
    expect(feed.records.find((r) => r.attackId === 'T1190' && r.d3fendId === 'D3-EF')).toEqual({
      attackId: 'T1190',
      d3fendId: 'D3-EF',
      d3fendName: 'Email Filtering',
      d3fendTactic: 'Isolate',
      relation: 'filters',
      relations: ['filters'],
    });
    expect(feed.records.find((r) => r.attackId === 'T1003.003' && r.d3fendId === 'D3-CRO')?.relations).toEqual(['hardens', 'regenerates']);
    expect(feed.records.filter((r) => r.relations.length > 1)).toHaveLength(686);
  });
});

const OFFICIAL = 'ID,D3FEND Tactic,D3FEND Technique,D3FEND Technique Level 0,D3FEND Technique Level 1,Definition\r\n';
const MAPPING = 'attack_id,attack_technique,d3fend_id,d3fend_technique,d3fend_tactic,via_d3fend_technique,d3fend_artifact_relation,d3fend_artifact,attack_artifact,attack_artifact_relation\r\n';
const mapRow = (attackId: string, d3fendId: string, name: string, relation: string, tactic = 'Detect'): string =>
  `${attackId},Some Technique,${d3fendId},${name},${tactic},${name},${relation},Network Traffic,Network Traffic,produces\r\n`;
const buf = (text: string): Buffer => Buffer.from(text);

describe('parseD3fendTechniques on synthetic tables', () => {
  const good = OFFICIAL + 'D3-NTA,Detect,Network Traffic Analysis,,,\r\nD3-CA,Detect,,Connection Attempt Analysis,,"Analyzing failed connections, in short."\r\n';

  it('parses a well-formed table', () => {
    expect(parseD3fendTechniques(buf(good), '9.9.9').records).toEqual([
      { id: 'D3-NTA', name: 'Network Traffic Analysis', tactic: 'Detect', definition: '' },
      { id: 'D3-CA', name: 'Connection Attempt Analysis', tactic: 'Detect', definition: 'Analyzing failed connections, in short.' },
    ]);
  });

  it('rejects a file cut in the middle of its last row', () => {
    expect(() => parseD3fendTechniques(buf(good.slice(0, -10)))).toThrow(/d3fend: the last row has no line break/);
    expect(() => parseD3fendTechniques(buf(good + 'D3-X,Detect,A,,,"a definition cut after its first line\r\n'))).toThrow(/ends inside a quoted field/);
  });

  it('rejects a row with the wrong number of fields, a bad id, a blank tactic or an ambiguous name', () => {
    expect(() => parseD3fendTechniques(buf(OFFICIAL + 'D3-NTA,Detect,Network Traffic Analysis,,\r\n'))).toThrow(/row 2 has 5 fields/);
    expect(() => parseD3fendTechniques(buf(OFFICIAL + 'NTA,Detect,Network Traffic Analysis,,,\r\n'))).toThrow(/row 2: id "NTA" is not D3-/);
    expect(() => parseD3fendTechniques(buf(good + 'D3-X,,Thing,,,\r\n'))).toThrow(/row 4 \(D3-X\): tactic "" is not/);
    expect(() => parseD3fendTechniques(buf(OFFICIAL + 'D3-X,Detect,A,B,,\r\n'))).toThrow(/row 2 \(D3-X\): expected the name in exactly one .* found 2/);
    expect(() => parseD3fendTechniques(buf(OFFICIAL + 'D3-X,Detect,,,,\r\n'))).toThrow(/found 0/);
  });

  it('rejects a duplicated id, an unknown header and a header-only table', () => {
    expect(() => parseD3fendTechniques(buf(good + 'D3-NTA,Detect,Network Traffic Analysis,,,\r\n'))).toThrow(/D3-NTA appears twice/);
    expect(() => parseD3fendTechniques(buf('id,name\r\nD3-NTA,x\r\n'))).toThrow(/unknown header/);
    expect(() => parseD3fendTechniques(buf(OFFICIAL))).toThrow(/no techniques/);
  });
});

describe('parseAttackD3fend on synthetic tables', () => {
  it('merges repeated pairs, collecting each distinct relation once', () => {
    const text = MAPPING + mapRow('T1001', 'D3-NTA', 'Network Traffic Analysis', 'analyzes') + mapRow('T1001', 'D3-NTA', 'Network Traffic Analysis', 'filters') + mapRow('T1001', 'D3-NTA', 'Network Traffic Analysis', 'analyzes') + mapRow('T1001.001', 'D3-NTA', 'Network Traffic Analysis', 'analyzes');
    const feed = parseAttackD3fend(buf(text), '2025-08-25');
    expect(feed.version).toBe('2025-08-25');
    expect(feed.records).toEqual([
      { attackId: 'T1001', d3fendId: 'D3-NTA', d3fendName: 'Network Traffic Analysis', d3fendTactic: 'Detect', relation: 'analyzes', relations: ['analyzes', 'filters'] },
      { attackId: 'T1001.001', d3fendId: 'D3-NTA', d3fendName: 'Network Traffic Analysis', d3fendTactic: 'Detect', relation: 'analyzes', relations: ['analyzes'] },
    ]);
  });

  it('rejects rows of one pair that disagree on the D3FEND name or tactic', () => {
    const text = MAPPING + mapRow('T1001', 'D3-NTA', 'Network Traffic Analysis', 'analyzes') + mapRow('T1001', 'D3-NTA', 'Network Traffic Analysis', 'analyzes', 'Harden');
    expect(() => parseAttackD3fend(buf(text))).toThrow(/row 3: D3-NTA is named or placed differently/);
  });

  it('rejects a malformed id, an empty relation, a ragged or truncated row and an empty table', () => {
    expect(() => parseAttackD3fend(buf(MAPPING + mapRow('T10001', 'D3-NTA', 'N', 'analyzes')))).toThrow(/row 2: attack_id "T10001"/);
    expect(() => parseAttackD3fend(buf(MAPPING + mapRow('T1001', 'd3-nta', 'N', 'analyzes')))).toThrow(/row 2: d3fend_id "d3-nta"/);
    expect(() => parseAttackD3fend(buf(MAPPING + mapRow('T1001', 'D3-NTA', 'N', '')))).toThrow(/row 2: d3fend_artifact_relation is empty/);
    expect(() => parseAttackD3fend(buf(MAPPING + 'T1001,Some Technique,D3-NTA\r\n'))).toThrow(/row 2 has 3 fields/);
    expect(() => parseAttackD3fend(buf((MAPPING + mapRow('T1001', 'D3-NTA', 'N', 'analyzes')).slice(0, -3)))).toThrow(/no line break/);
    expect(() => parseAttackD3fend(buf(MAPPING))).toThrow(/attack-d3fend: the table has no rows/);
    expect(() => parseAttackD3fend(buf(OFFICIAL + 'D3-NTA,Detect,N,,,\r\n'))).toThrow(/unknown header/);
  });
});
