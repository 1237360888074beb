import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../../lib/paths.js';
import { parseAttack, type AttackFeed } from './attack.parser.js';

const DATA = path.resolve(REPO_ROOT, '..', 'shared', 'data');
const SNAPSHOT = path.join(DATA, 'attack', 'enterprise-attack-18.1.json.gz');
const haveData = existsSync(DATA);
if (!haveData) console.warn(`attack.parser.test: ${DATA} is absent, skipping the snapshot tests`);

describe.skipIf(!haveData)('parseAttack on the ATT&CK v18.1 snapshot', () => {
  let gz: Buffer;
  let feed: AttackFeed;
  beforeAll(() => {
    gz = readFileSync(SNAPSHOT);
    feed = parseAttack(gz);
  });

  it('keeps the 14 tactics in matrix order and the 691 live techniques, 475 of them sub-techniques', () => {
    expect(feed.records.tactics).toHaveLength(14);
    expect(feed.records.tactics[0]).toEqual({ id: 'TA0043', shortname: 'reconnaissance', name: 'Reconnaissance' });
    expect(feed.records.tactics.find((t) => t.id === 'TA0001')).toEqual({ id: 'TA0001', shortname: 'initial-access', name: 'Initial Access' });
    expect(feed.records.techniques).toHaveLength(691);
    expect(feed.records.techniques.filter((t) => t.isSubtechnique)).toHaveLength(475);
    expect(new Set(feed.records.techniques.map((t) => t.id)).size).toBe(691);
  });

  it('maps kill-chain phases to tactic ids and sub-techniques to their parent', () => {
    const byId = new Map(feed.records.techniques.map((t) => [t.id, t]));
    expect(byId.get('T1190')).toEqual({
      id: 'T1190',
      name: 'Exploit Public-Facing Application',
      tactics: ['TA0001'],
      isSubtechnique: false,
      parentId: null,
      url: 'https://attack.mitre.org/techniques/T1190',
    });
    expect(byId.get('T1059.001')).toMatchObject({ name: 'PowerShell', tactics: ['TA0002'], isSubtechnique: true, parentId: 'T1059' });
    expect([...(byId.get('T1078')?.tactics ?? [])].sort()).toEqual(['TA0001', 'TA0003', 'TA0004', 'TA0005']);
    const tacticIds = new Set(feed.records.tactics.map((t) => t.id));
    expect(feed.records.techniques.every((t) => t.tactics.length > 0 && t.tactics.every((id) => tacticIds.has(id)))).toBe(true);
  });

  it('drops revoked and deprecated techniques (T1142 was revoked long ago)', () => {
    expect(feed.records.techniques.some((t) => t.id === 'T1142')).toBe(false);
  });

  it('dates the data by the newest modified object and, lacking a collection object, versions it by that date or the hint', () => {
    expect(feed.dataDate).toBe('2025-11-12');
    expect(feed.version).toBe('modified-2025-11-12');
  });

  it('reads the same bundle unzipped, and takes the release from a hint', () => {
    const plain = parseAttack(gunzipSync(gz), '18.1');
    expect(plain.version).toBe('18.1');
    expect(plain.records).toEqual(feed.records);
  });

  it('rejects the snapshot cut in half', () => {
    expect(() => parseAttack(gz.subarray(0, gz.length >> 1))).toThrow(/attack: the gzip stream is corrupt or truncated/);
  });
});

const tactic = (id: string, shortname: string, extra: object = {}): object => ({
  type: 'x-mitre-tactic',
  id: `x-mitre-tactic--${id}`,
  name: shortname,
  x_mitre_shortname: shortname,
  modified: '2024-01-02T00:00:00.000Z',
  external_references: [{ source_name: 'mitre-attack', external_id: id }],
  ...extra,
});
const technique = (id: string, phases: string[], extra: object = {}): object => ({
  type: 'attack-pattern',
  id: `attack-pattern--${id}`,
  name: `Technique ${id}`,
  modified: '2024-03-04T05:06:07.000Z',
  x_mitre_is_subtechnique: id.includes('.'),
  kill_chain_phases: phases.map((p) => ({ kill_chain_name: 'mitre-attack', phase_name: p })),
  external_references: [{ source_name: 'mitre-attack', external_id: id, url: `https://attack.mitre.org/techniques/${id.replace('.', '/')}` }],
  ...extra,
});
const bundle = (objects: object[], extra: object = {}): Buffer => Buffer.from(JSON.stringify({ type: 'bundle', id: 'bundle--x', objects, ...extra }));
const base = (): object[] => [tactic('TA0001', 'initial-access'), tactic('TA0002', 'execution'), technique('T1190', ['initial-access']), technique('T1059', ['execution']), technique('T1059.001', ['execution'])];

describe('parseAttack on synthetic bundles', () => {
  it('parses a small bundle, gzipped or not, and ignores kill chains other than mitre-attack', () => {
    const objs = [...base(), technique('T1200', ['initial-access'], { kill_chain_phases: [{ kill_chain_name: 'lockheed', phase_name: 'delivery' }, { kill_chain_name: 'mitre-attack', phase_name: 'initial-access' }] })];
    const plain = parseAttack(bundle(objs));
    expect(parseAttack(gzipSync(bundle(objs)))).toEqual(plain);
    expect(plain.dataDate).toBe('2024-03-04');
    expect(plain.records.techniques.map((t) => [t.id, t.tactics, t.parentId])).toEqual([
      ['T1059', ['TA0002'], null],
      ['T1059.001', ['TA0002'], 'T1059'],
      ['T1190', ['TA0001'], null],
      ['T1200', ['TA0001'], null],
    ]);
  });

  it('prefers the x-mitre-collection version of the STIX 2.1 flavour over any hint', () => {
    const objs = [{ type: 'x-mitre-collection', id: 'x-mitre-collection--1', x_mitre_version: '17.1', modified: '2025-04-22T00:00:00.000Z' }, ...base()];
    const feed = parseAttack(bundle(objs), '9.9');
    expect(feed.version).toBe('17.1');
    expect(feed.dataDate).toBe('2025-04-22');
  });

  it('excludes revoked and deprecated techniques and tactics', () => {
    const objs = [...base(), technique('T1001', ['execution'], { revoked: true }), technique('T1002', ['execution'], { x_mitre_deprecated: true }), tactic('TA0009', 'collection', { x_mitre_deprecated: true })];
    const feed = parseAttack(bundle(objs));
    expect(feed.records.techniques.map((t) => t.id)).toEqual(['T1059', 'T1059.001', 'T1190']);
    expect(feed.records.tactics.map((t) => t.id)).toEqual(['TA0001', 'TA0002']);
  });

  it('rejects a truncated JSON file', () => {
    const text = bundle(base());
    expect(() => parseAttack(text.subarray(0, text.length - 10))).toThrow(/attack: the file is not valid JSON/);
  });

  it("rejects a document whose type is not 'bundle'", () => {
    expect(() => parseAttack(bundle(base(), { type: 'report' }))).toThrow(/not a STIX bundle/);
  });

  it('rejects a bundle with no live attack-pattern', () => {
    expect(() => parseAttack(bundle([tactic('TA0001', 'initial-access'), technique('T1001', ['initial-access'], { revoked: true })]))).toThrow(/no \(live\) attack-pattern/);
  });

  it('rejects a technique without an ATT&CK external id, naming the object', () => {
    const objs = [...base(), technique('T1003', ['execution'], { external_references: [{ source_name: 'capec', external_id: 'CAPEC-1' }] })];
    expect(() => parseAttack(bundle(objs))).toThrow(/attack-pattern at object 5 has no ATT&CK id/);
  });

  it('rejects a technique naming a tactic the bundle does not hold', () => {
    expect(() => parseAttack(bundle([...base(), technique('T1003', ['credential-access'])]))).toThrow(/T1003 .* names unknown tactic credential-access/);
  });

  it('rejects a sub-technique whose parent is missing, and a sub-technique flag that contradicts the id', () => {
    expect(() => parseAttack(bundle([...base(), technique('T1548.002', ['execution'])]))).toThrow(/T1548.002 has no live parent T1548/);
    expect(() => parseAttack(bundle([...base(), technique('T1548', ['execution'], { x_mitre_is_subtechnique: true })]))).toThrow(/x_mitre_is_subtechnique disagrees/);
  });

  it('rejects a duplicated technique id, a malformed timestamp and a version hint that is not a release', () => {
    expect(() => parseAttack(bundle([...base(), technique('T1190', ['execution'])]))).toThrow(/T1190 appears twice/);
    expect(() => parseAttack(bundle([...base(), technique('T1003', ['execution'], { modified: 'yesterday' })]))).toThrow(/object 5 has a malformed modified/);
    expect(() => parseAttack(bundle(base()), 'enterprise-attack')).toThrow(/not a release number/);
  });
});
