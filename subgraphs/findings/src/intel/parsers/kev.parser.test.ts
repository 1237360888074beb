import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../../lib/paths.js';
import { parseKev } from './kev.parser.js';

const DATA_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'data');
const SNAPSHOT = path.join(DATA_DIR, 'kev', 'known_exploited_vulnerabilities.json');
const hasData = existsSync(DATA_DIR);
if (!hasData) console.warn(`kev.parser.test: ${DATA_DIR} is absent, skipping the snapshot tests`);

/** A well-formed catalogue entry to break one field at a time. */
function vuln(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    cveID: 'CVE-2024-3400',
    vendorProject: 'Palo Alto Networks',
    product: 'PAN-OS',
    vulnerabilityName: 'PAN-OS Command Injection Vulnerability',
    dateAdded: '2024-04-12',
    shortDescription: 'A command injection.',
    requiredAction: 'Apply mitigations per vendor instructions.',
    dueDate: '2024-04-19',
    knownRansomwareCampaignUse: 'Known',
    notes: 'https://security.paloaltonetworks.com/CVE-2024-3400',
    cwes: ['CWE-77', 'CWE-20'],
    ...overrides,
  };
}

function catalogue(vulnerabilities: unknown[], extra: Record<string, unknown> = {}): Buffer {
  const doc = { title: 'CISA Catalog of Known Exploited Vulnerabilities', catalogVersion: '2024.04.12', dateReleased: '2024-04-12T17:00:00.000Z', count: vulnerabilities.length, vulnerabilities, ...extra };
  return Buffer.from(JSON.stringify(doc));
}

describe('parseKev on the CISA snapshot', () => {
  it.skipIf(!hasData)('reads all 1,662 CVEs with the version and release time the file states', () => {
    const feed = parseKev(readFileSync(SNAPSHOT));
    expect(feed.version).toBe('2026.08.07');
    expect(feed.dataDate).toBe('2026-08-07T16:45:47.064Z');
    expect(feed.records).toHaveLength(1662);
    expect(new Set(feed.records.map((r) => r.cveId)).size).toBe(1662);
    expect(feed.records.filter((r) => r.knownRansomwareCampaignUse)).toHaveLength(338);
    expect(feed.records.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.dateAdded) && /^\d{4}-\d{2}-\d{2}$/.test(r.dueDate))).toBe(true);
  });

  it.skipIf(!hasData)('maps the first entry field by field', () => {
    const first = parseKev(readFileSync(SNAPSHOT)).records[0]!;
    expect(first).toMatchObject({
      cveId: 'CVE-2026-8037',
      vendorProject: 'Progress',
      product: 'LoadMaster',
      vulnerabilityName: 'Progress LoadMaster Command Injection Vulnerability',
      dateAdded: '2026-08-07',
      dueDate: '2026-08-10',
      knownRansomwareCampaignUse: false,
      cwes: ['CWE-77'],
    });
    expect(first.shortDescription).toMatch(/^Progress LoadMaster contains a command injection/);
    expect(first.requiredAction).toMatch(/^Apply mitigations/);
    expect(first.notes).toContain('https://nvd.nist.gov/vuln/detail/CVE-2026-8037');
  });

  it.skipIf(!hasData)('reads the same catalogue gzipped', () => {
    const plain = readFileSync(SNAPSHOT);
    expect(parseKev(gzipSync(plain))).toEqual(parseKev(plain));
  });

  it.skipIf(!hasData)('rejects the snapshot cut short', () => {
    const plain = readFileSync(SNAPSHOT);
    expect(() => parseKev(plain.subarray(0, plain.length - 1000))).toThrow(/kev: the file is not valid JSON/);
    expect(() => parseKev(gzipSync(plain).subarray(0, 20_000))).toThrow(/kev: the gzip stream is corrupt or truncated/);
  });
});

describe('parseKev on synthetic input', () => {
  it('maps Known to true and Unknown or a missing field to false, and defaults notes and cwes', () => {
    const feed = parseKev(catalogue([vuln(), vuln({ cveID: 'CVE-2021-44228', knownRansomwareCampaignUse: 'Unknown' }), vuln({ cveID: 'CVE-2014-0160', knownRansomwareCampaignUse: undefined, notes: undefined, cwes: undefined })]));
    expect(feed.records.map((r) => r.knownRansomwareCampaignUse)).toEqual([true, false, false]);
    expect(feed.records[0]!.cwes).toEqual(['CWE-77', 'CWE-20']);
    expect(feed.records[2]).toMatchObject({ notes: '', cwes: [] });
    expect(feed.version).toBe('2024.04.12');
  });

  it('rejects a count that does not match the array', () => {
    expect(() => parseKev(catalogue([vuln()], { count: 2 }))).toThrow(/count says 2 vulnerabilities but the array holds 1/);
  });

  it('rejects a record missing a required field, naming its index', () => {
    const input = catalogue([vuln(), vuln({ cveID: 'CVE-2021-44228', dateAdded: undefined })]);
    expect(() => parseKev(input)).toThrow(/vulnerabilities\[1\] \(CVE-2021-44228\): dateAdded undefined is not a YYYY-MM-DD date/);
    expect(() => parseKev(catalogue([vuln({ product: undefined })]))).toThrow(/vulnerabilities\[0\] \(CVE-2024-3400\): product is missing/);
  });

  it('rejects a malformed CVE id, a repeated CVE and an impossible date', () => {
    expect(() => parseKev(catalogue([vuln({ cveID: 'CVE-24-3400' })]))).toThrow(/vulnerabilities\[0\]: cveID "CVE-24-3400" is not a CVE id/);
    expect(() => parseKev(catalogue([vuln(), vuln()]))).toThrow(/vulnerabilities\[1\]: CVE-2024-3400 is listed twice/);
    expect(() => parseKev(catalogue([vuln({ dueDate: '2024-02-30' })]))).toThrow(/dueDate "2024-02-30" is not a YYYY-MM-DD date/);
  });

  it('rejects an unknown ransomware value and a malformed CWE', () => {
    expect(() => parseKev(catalogue([vuln({ knownRansomwareCampaignUse: 'Yes' })]))).toThrow(/knownRansomwareCampaignUse "Yes" is neither/);
    expect(() => parseKev(catalogue([vuln({ cwes: ['NVD-CWE-noinfo'] })]))).toThrow(/cwes holds "NVD-CWE-noinfo"/);
  });

  it('rejects a missing version, a bad release time and an empty catalogue', () => {
    expect(() => parseKev(catalogue([vuln()], { catalogVersion: undefined }))).toThrow(/catalogVersion is missing/);
    expect(() => parseKev(catalogue([vuln()], { dateReleased: 'yesterday' }))).toThrow(/dateReleased "yesterday" is not an ISO 8601 date-time/);
    expect(() => parseKev(catalogue([]))).toThrow(/holds no vulnerabilities/);
    expect(() => parseKev(Buffer.from('[]'))).toThrow(/top level is not a JSON object/);
  });
});
