import { describe, expect, it } from 'vitest';
import { FINGERPRINTS, matchVulnerabilities, parseFingerprintTable, productByAlias, type HostFacts } from './fingerprints.js';
import { mustParseVersion } from './version.js';

const linux: HostFacts = { windows: false, products: new Set() };

function cves(alias: string, version: string, facts: HostFacts = linux): string[] {
  const product = productByAlias(alias);
  if (!product) throw new Error(`unknown product ${alias}`);
  return matchVulnerabilities(product, mustParseVersion(version), facts).flatMap((m) => m.entry.cveIds).sort();
}

describe('the fingerprint table', () => {
  it('is valid, names a source for every entry and lists each CVE once', () => {
    expect(FINGERPRINTS.vulnerabilities.length).toBeGreaterThanOrEqual(25);
    const ids = FINGERPRINTS.vulnerabilities.flatMap((e) => e.cveIds);
    expect(new Set(ids).size).toBe(ids.length);
    for (const entry of FINGERPRINTS.vulnerabilities) expect(entry.source).toMatch(/^https?:\/\//);
  });

  it('rejects a table with an unknown product, a bad range or a malformed CVE id', () => {
    const product = { id: 'nginx', name: 'nginx', aliases: ['nginx'], exactParts: 3 };
    const entry = {
      product: 'nginx',
      cveIds: ['CVE-2021-23017'],
      severity: 'MEDIUM',
      summary: 'resolver off-by-one',
      ranges: [{ introduced: '0.6.18', fixed: '1.20.1' }],
      source: 'https://nginx.org/en/security_advisories.html',
    };
    expect(() => parseFingerprintTable({ about: '', products: [product], vulnerabilities: [entry] })).not.toThrow();
    expect(() => parseFingerprintTable({ about: '', products: [product], vulnerabilities: [{ ...entry, product: 'nginks' }] })).toThrow(/unknown product/);
    expect(() =>
      parseFingerprintTable({ about: '', products: [product], vulnerabilities: [{ ...entry, ranges: [{ introduced: '1.20.1', fixed: '0.6.18' }] }] }),
    ).toThrow(/older than fixed/);
    expect(() => parseFingerprintTable({ about: '', products: [product], vulnerabilities: [{ ...entry, cveIds: ['CVE-21-1'] }] })).toThrow();
  });

  it('maps header tokens to products case-insensitively', () => {
    expect(productByAlias('Apache')?.id).toBe('apache-httpd');
    expect(productByAlias('microsoft-iis')?.id).toBe('microsoft-iis');
    expect(productByAlias('Joomla!')?.id).toBe('joomla');
    expect(productByAlias('Apache-Coyote')).toBeUndefined();
  });
});

describe('matchVulnerabilities', () => {
  it('finds the nginx resolver flaw below 1.20.1 and not from 1.20.1 or 1.21.0', () => {
    expect(cves('nginx', '1.20.0')).toContain('CVE-2021-23017');
    expect(cves('nginx', '1.18.0')).toEqual(expect.arrayContaining(['CVE-2021-23017', 'CVE-2022-41741', 'CVE-2022-41742', 'CVE-2024-7347']));
    expect(cves('nginx', '1.20.1')).not.toContain('CVE-2021-23017');
    expect(cves('nginx', '1.21.0')).not.toContain('CVE-2021-23017');
  });

  it('matches Debian nginx 1.22.1 only to the mp4 flaw of 2024, not to the ones fixed in 1.22.1', () => {
    expect(cves('nginx', '1.22.1')).toEqual(['CVE-2024-7347']);
    expect(cves('nginx', '1.22.0')).toEqual(expect.arrayContaining(['CVE-2022-41741', 'CVE-2022-41742']));
    expect(cves('nginx', '1.26.2')).toEqual([]);
    expect(cves('nginx', '1.27.0')).toEqual(['CVE-2024-7347']);
  });

  it('pins the Apache path traversals to 2.4.49 and 2.4.50', () => {
    expect(cves('Apache', '2.4.49')).toEqual(expect.arrayContaining(['CVE-2021-41773', 'CVE-2021-42013']));
    expect(cves('Apache', '2.4.50')).toContain('CVE-2021-42013');
    expect(cves('Apache', '2.4.50')).not.toContain('CVE-2021-41773');
    expect(cves('Apache', '2.4.51')).not.toContain('CVE-2021-42013');
    expect(cves('Apache', '2.4.48')).not.toContain('CVE-2021-41773');
    expect(cves('Apache', '2.4.62')).toEqual([]);
  });

  it('reports PHP CVE-2024-4577 only for Windows hosts and per branch', () => {
    const windows: HostFacts = { windows: true, products: new Set() };
    expect(cves('PHP', '8.1.28', windows)).toContain('CVE-2024-4577');
    expect(cves('PHP', '8.2.19', windows)).toContain('CVE-2024-4577');
    expect(cves('PHP', '8.3.7', windows)).toContain('CVE-2024-4577');
    expect(cves('PHP', '8.1.29', windows)).not.toContain('CVE-2024-4577');
    expect(cves('PHP', '8.3.8', windows)).not.toContain('CVE-2024-4577');
    expect(cves('PHP', '8.2.19', linux)).not.toContain('CVE-2024-4577');
  });

  it('needs nginx in front for the PHP-FPM path-info flaw', () => {
    expect(cves('PHP', '7.3.10', linux)).not.toContain('CVE-2019-11043');
    expect(cves('PHP', '7.3.10', { windows: false, products: new Set(['nginx']) })).toContain('CVE-2019-11043');
  });

  it('finds Heartbleed for OpenSSL 1.0.1 to 1.0.1f only', () => {
    expect(cves('OpenSSL', '1.0.1e')).toContain('CVE-2014-0160');
    expect(cves('OpenSSL', '1.0.1g')).not.toContain('CVE-2014-0160');
    expect(cves('OpenSSL', '1.0.1g')).toContain('CVE-2014-0224');
    expect(cves('OpenSSL', '1.0.2k')).toEqual([]);
  });

  it('finds jQuery XSS below 3.5.0 and Drupalgeddon2 on exact Drupal versions only', () => {
    expect(cves('jQuery', '3.4.1')).toEqual(['CVE-2020-11022', 'CVE-2020-11023']);
    expect(cves('jQuery', '1.12.4')).toEqual(['CVE-2019-11358', 'CVE-2020-11022', 'CVE-2020-11023']);
    expect(cves('jQuery', '3.5.0')).toEqual([]);
    expect(cves('Drupal', '7.57')).toEqual(expect.arrayContaining(['CVE-2018-7600', 'CVE-2018-7602']));
    expect(cves('Drupal', '8.5.1')).toEqual(['CVE-2018-7602', 'CVE-2019-6340']);
    expect(cves('Drupal', '8.6.10')).toEqual([]);
    expect(cves('Drupal', '7')).toEqual([]);
  });
});
