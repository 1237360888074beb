import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../../lib/paths.js';
import { parseEpss } from './epss.parser.js';

const DATA_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'data');
const SNAPSHOT = path.join(DATA_DIR, 'epss', 'epss_scores-2026-08-16.csv.gz');
const hasData = existsSync(DATA_DIR);
if (!hasData) console.warn(`epss.parser.test: ${DATA_DIR} is absent, skipping the snapshot tests`);

/** FIRST's daily file layout, as published at epss.cyentia.com. */
const FIRST_FILE = '#model_version:v2023.03.01,score_date:2023-03-05T00:00:00+0000\ncve,epss,percentile\nCVE-2023-0001,0.00043,0.0821\nCVE-2021-44228,0.97565,0.99997\n';
const csv = (text: string): Buffer => Buffer.from(text);

describe('parseEpss on the mirror snapshot', () => {
  it.skipIf(!hasData)('reads all 360,142 scores, with no model version or score date since the mirror records neither', () => {
    const feed = parseEpss(readFileSync(SNAPSHOT));
    expect(feed.version).toBe('unknown');
    expect(feed.dataDate).toBeNull();
    expect(feed.records).toHaveLength(360_142);
    expect(new Set(feed.records.map((r) => r.cveId)).size).toBe(360_142);
    expect(feed.records[0]).toEqual({ cveId: 'CVE-1999-0001', epss: 0.03351, percentile: 0.8765 });
    expect(feed.records.at(-1)).toEqual({ cveId: 'CVE-2026-74439', epss: 0.00156, percentile: 0.05295 });
  });

  it.skipIf(!hasData)('parses the file plain as well as gzipped, to the same records', () => {
    // Speed is measured by the intel sync benchmark, not asserted here.
    const gz = readFileSync(SNAPSHOT);
    const feed = parseEpss(gunzipSync(gz));
    expect(parseEpss(gz).records).toEqual(feed.records);
  });

  it.skipIf(!hasData)('rejects the snapshot cut mid-row or mid-stream', () => {
    const plain = gunzipSync(readFileSync(SNAPSHOT));
    const cut = plain.subarray(0, plain.lastIndexOf(',') + 1); // ends "CVE-2026-74439,0.00156,"
    expect(() => parseEpss(cut)).toThrow(/epss: line 360144: percentile "" is not a number in 0\.\.1/);
    expect(() => parseEpss(readFileSync(SNAPSHOT).subarray(0, 100_000))).toThrow(/epss: the gzip stream is corrupt or truncated/);
  });
});

describe('parseEpss on synthetic input', () => {
  it("takes model_version and score_date from FIRST's comment line", () => {
    const feed = parseEpss(csv(FIRST_FILE));
    expect(feed.version).toBe('v2023.03.01');
    expect(feed.dataDate).toBe('2023-03-05');
    expect(feed.records).toEqual([
      { cveId: 'CVE-2023-0001', epss: 0.00043, percentile: 0.0821 },
      { cveId: 'CVE-2021-44228', epss: 0.97565, percentile: 0.99997 },
    ]);
  });

  it('reads the same file gzipped, with CRLF line ends, or with no comment at all', () => {
    const expected = parseEpss(csv(FIRST_FILE));
    expect(parseEpss(gzipSync(csv(FIRST_FILE)))).toEqual(expected);
    expect(parseEpss(csv(FIRST_FILE.replace(/\n/g, '\r\n')))).toEqual(expected);
    const bare = parseEpss(csv(FIRST_FILE.slice(FIRST_FILE.indexOf('\n') + 1)));
    expect(bare).toEqual({ version: 'unknown', dataDate: null, records: expected.records });
  });

  it('rejects a row with the wrong number of fields, naming its line', () => {
    expect(() => parseEpss(csv('cve,epss,percentile\nCVE-2023-0001,0.1\n'))).toThrow(/line 2: expected 3 fields/);
    expect(() => parseEpss(csv('cve,epss,percentile\nCVE-2023-0001,0.1,0.2,0.3\n'))).toThrow(/line 2: expected 3 fields/);
  });

  it('rejects values outside 0..1 or not numbers', () => {
    expect(() => parseEpss(csv('cve,epss,percentile\nCVE-2023-0001,1.2,0.5\n'))).toThrow(/line 2: epss "1.2" is not a number in 0\.\.1/);
    expect(() => parseEpss(csv('cve,epss,percentile\nCVE-2023-0001,0.5,-0.1\n'))).toThrow(/percentile "-0.1" is not a number/);
    expect(() => parseEpss(csv('cve,epss,percentile\nCVE-2023-0001, 0.5,0.1\n'))).toThrow(/epss " 0.5" is not a number/);
    expect(() => parseEpss(csv('cve,epss,percentile\nCVE-2023-0001,NaN,0.1\n'))).toThrow(/epss "NaN" is not a number/);
  });

  it('rejects a bad CVE id, a repeated CVE and a blank line inside the data', () => {
    expect(() => parseEpss(csv('cve,epss,percentile\ncve-2023-0001,0.5,0.1\n'))).toThrow(/line 2: "cve-2023-0001" is not a CVE id/);
    expect(() => parseEpss(csv('cve,epss,percentile\nCVE-2023-0001,0.5,0.1\nCVE-2023-0001,0.5,0.1\n'))).toThrow(/line 3: CVE-2023-0001 is listed twice/);
    expect(() => parseEpss(csv('cve,epss,percentile\nCVE-2023-0001,0.5,0.1\n\nCVE-2023-0002,0.5,0.1\n'))).toThrow(/line 3 is blank in the middle/);
  });

  it('rejects a wrong header, a header with no rows and an empty file', () => {
    expect(() => parseEpss(csv('cve,score,percentile\nCVE-2023-0001,0.5,0.1\n'))).toThrow(/line 1: header is "cve,score,percentile"/);
    expect(() => parseEpss(csv('#model_version:v2023.03.01\ncve,epss,percentile\n'))).toThrow(/a header but no scores/);
    expect(() => parseEpss(csv(''))).toThrow(/the file is empty/);
  });
});
