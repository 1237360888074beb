import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../../lib/paths.js';
import { parseCwe } from './cwe.parser.js';

const DATA_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'data');
const SNAPSHOT = path.join(DATA_DIR, 'cwe', 'cwe_1000_research_view.csv');
const hasData = existsSync(DATA_DIR);
if (!hasData) console.warn(`cwe.parser.test: ${DATA_DIR} is absent, skipping the snapshot tests`);

/** MITRE's column layout, cut to the columns read plus one ignored, with the trailing comma. */
const HEADER = 'CWE-ID,Name,Weakness Abstraction,Status,Description,Extended Description,Related Weaknesses,Related Attack Patterns';
function row(id: string, opts: { name?: string; abstraction?: string; status?: string; related?: string; capec?: string } = {}): string {
  const name = opts.name ?? `Weakness ${id}`;
  return `${id},"${name}",${opts.abstraction ?? 'Base'},${opts.status ?? 'Draft'},"Description of ${id},
over two lines.","",${opts.related ?? ''},${opts.capec ?? ''},`;
}
const file = (...rows: string[]): Buffer => Buffer.from([HEADER, ...rows].join('\n') + '\n');
const GOOD = [
  row('707', { abstraction: 'Pillar', status: 'Stable' }),
  row('74', { abstraction: 'Class', related: '::NATURE:ChildOf:CWE ID:707:VIEW ID:1000:ORDINAL:Primary::' }),
  row('79', {
    related: '::NATURE:ChildOf:CWE ID:74:VIEW ID:1000:ORDINAL:Primary::NATURE:ChildOf:CWE ID:707:VIEW ID:1003:ORDINAL:Primary::NATURE:CanPrecede:CWE ID:494:VIEW ID:1000::',
    capec: '::209::588::',
  }),
];

describe('parseCwe on the MITRE view-1000 snapshot', () => {
  it.skipIf(!hasData)('reads all 944 weaknesses with their status counts, and derives a version', () => {
    const feed = parseCwe(readFileSync(SNAPSHOT));
    expect(feed.records).toHaveLength(944);
    expect(feed.dataDate).toBeNull();
    expect(feed.version).toBe('944 weaknesses, newest CWE-1434');
    const byStatus = (s: string): number => feed.records.filter((r) => r.status === s).length;
    expect([byStatus('Stable'), byStatus('Draft'), byStatus('Incomplete')]).toEqual([26, 432, 486]);
    expect(new Set(feed.records.map((r) => r.cweId)).size).toBe(944);
  });

  it.skipIf(!hasData)('keeps only view-1000 ChildOf links as parents: the ten Pillars have none', () => {
    const feed = parseCwe(readFileSync(SNAPSHOT));
    const roots = feed.records.filter((r) => r.parents.length === 0);
    expect(roots.map((r) => r.cweId).sort()).toEqual(['CWE-284', 'CWE-435', 'CWE-664', 'CWE-682', 'CWE-691', 'CWE-693', 'CWE-697', 'CWE-703', 'CWE-707', 'CWE-710']);
    expect(roots.every((r) => r.abstraction === 'Pillar')).toBe(true);
    expect(feed.records.reduce((n, r) => n + r.parents.length, 0)).toBe(1085);
    const byId = new Map(feed.records.map((r) => [r.cweId, r]));
    // CWE-89 is ChildOf 943 in view 1000 and of 74 only in view 1003 (NVD's), which must not leak in.
    expect(byId.get('CWE-89')).toMatchObject({
      name: "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')",
      abstraction: 'Base',
      status: 'Stable',
      parents: ['CWE-943'],
      capecIds: ['CAPEC-108', 'CAPEC-109', 'CAPEC-110', 'CAPEC-470', 'CAPEC-66', 'CAPEC-7'],
    });
    expect(byId.get('CWE-79')!.parents).toEqual(['CWE-74']);
    expect(byId.get('CWE-1434')!.parents).toEqual(['CWE-440', 'CWE-665']);
    expect(feed.records.filter((r) => r.capecIds.length > 0)).toHaveLength(336);
  });

  it.skipIf(!hasData)('reads the same file gzipped, and takes a release name from the caller', () => {
    const plain = readFileSync(SNAPSHOT);
    expect(parseCwe(gzipSync(plain))).toEqual(parseCwe(plain));
    expect(parseCwe(plain, { version: '4.18' }).version).toBe('4.18');
  });

  it.skipIf(!hasData)('rejects the snapshot cut inside a field, mid-row, or at a row boundary', () => {
    const plain = readFileSync(SNAPSHOT);
    expect(() => parseCwe(plain.subarray(0, plain.length - 100))).toThrow(/cwe: the file ends inside a quoted field/);
    // Cut right after CWE-1434's Related Weaknesses: a short last row.
    const mid = plain.subarray(0, plain.indexOf('VIEW ID:1000::', plain.indexOf('\n1434,')) + 15);
    expect(() => parseCwe(mid)).toThrow(/cwe: row 945 has 7 fields where the header has 23/);
    // Dropping rows from CWE-1419 on leaves a kept weakness whose parent is gone. (Only cuts that
    // drop nothing but the last ten rows, which are all leaves, go unnoticed: 10 of 943 boundaries.)
    const rowBoundary = plain.subarray(0, plain.indexOf('\n1419,') + 1);
    expect(() => parseCwe(rowBoundary)).toThrow(/parent CWE-\d+ is not in the file \(rows missing: truncated\?\)/);
  });
});

describe('parseCwe on synthetic input', () => {
  it('maps ids, parents in view 1000 only, and CAPEC ids across multi-line fields', () => {
    const feed = parseCwe(file(...GOOD));
    expect(feed.version).toBe('3 weaknesses, newest CWE-707');
    expect(feed.records[2]).toEqual({
      cweId: 'CWE-79',
      name: 'Weakness 79',
      abstraction: 'Base',
      status: 'Draft',
      description: 'Description of 79,\nover two lines.',
      parents: ['CWE-74'],
      capecIds: ['CAPEC-209', 'CAPEC-588'],
    });
  });

  it('rejects a parent that is not in the file', () => {
    expect(() => parseCwe(file(GOOD[1]!, GOOD[2]!))).toThrow(/row 2 \(CWE-74\): parent CWE-707 is not in the file/);
  });

  it('rejects a bad id, a repeated id, and unknown abstraction or status values', () => {
    expect(() => parseCwe(file(row('CWE-79')))).toThrow(/row 2: CWE-ID "CWE-79" is not a number/);
    expect(() => parseCwe(file(row('79'), row('79')))).toThrow(/row 3 \(CWE-79\) is listed twice/);
    expect(() => parseCwe(file(row('79', { abstraction: 'Draft' })))).toThrow(/Weakness Abstraction "Draft" is not a CWE abstraction/);
    expect(() => parseCwe(file(row('79', { status: 'Base' })))).toThrow(/row 2 \(CWE-79\): Status "Base" is not a CWE status/);
    expect(() => parseCwe(file(row('79', { name: ' ' })))).toThrow(/Name is empty/);
  });

  it('rejects malformed Related Weaknesses and Related Attack Patterns entries', () => {
    expect(() => parseCwe(file(row('79', { related: '::NATURE:ChildOf:CWE ID:74::' })))).toThrow(/Related Weaknesses entry "NATURE:ChildOf:CWE ID:74" is malformed/);
    expect(() => parseCwe(file(row('79', { related: '::NATURE:ChildOf:CWE ID:x:VIEW ID:1000::' })))).toThrow(/is malformed/);
    expect(() => parseCwe(file(row('79', { capec: '::CAPEC-63::' })))).toThrow(/Related Attack Patterns entry "CAPEC-63" is not a CAPEC number/);
  });

  it('rejects a ragged row, a missing column and a header without rows', () => {
    expect(() => parseCwe(Buffer.from(`${HEADER}\n79,"x",Base\n`))).toThrow(/row 2 has 3 fields/);
    expect(() => parseCwe(Buffer.from('CWE-ID,Name,Status\n79,x,Draft\n'))).toThrow(/lacks column\(s\) Weakness Abstraction, Description, Related Weaknesses, Related Attack Patterns/);
    expect(() => parseCwe(Buffer.from(`${HEADER}\n`))).toThrow(/a header but no weaknesses/);
  });
});
