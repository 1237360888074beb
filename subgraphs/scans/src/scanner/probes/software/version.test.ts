import { describe, expect, it } from 'vitest';
import { compareVersionStrings, describeRange, mustParseVersion, parseVersion, versionInRange } from './version.js';

const inRange = (version: string, introduced: string, fixed: string, exactParts = 3): boolean =>
  versionInRange(mustParseVersion(version), { introduced, fixed }, exactParts);

describe('parseVersion', () => {
  it('reads numbers, OpenSSL letters, pre-releases and build suffixes', () => {
    expect(parseVersion('2.4.49')).toMatchObject({ parts: [2, 4, 49], letter: '', pre: null, build: '' });
    expect(parseVersion('1.0.1f')).toMatchObject({ parts: [1, 0, 1], letter: 'f', pre: null });
    expect(parseVersion('0.9.8za')).toMatchObject({ parts: [0, 9, 8], letter: 'za' });
    expect(parseVersion('5.8.1-beta')).toMatchObject({ parts: [5, 8, 1], pre: { rank: 2, num: 0 } });
    expect(parseVersion('1.0.2-beta1')).toMatchObject({ pre: { rank: 2, num: 1 } });
    expect(parseVersion('5.0.0-alpha.1')).toMatchObject({ pre: { rank: 1, num: 1 } });
    expect(parseVersion('8.1.0-dev')).toMatchObject({ pre: { rank: 0 } });
    expect(parseVersion('7.4.3-4ubuntu2.19')).toMatchObject({ parts: [7, 4, 3], pre: null, build: '4ubuntu2.19' });
    expect(parseVersion('1.0.2k-fips')).toMatchObject({ letter: 'k', build: 'fips' });
    expect(parseVersion('v3.4.1')).toMatchObject({ parts: [3, 4, 1] });
  });

  it('refuses what is not a version', () => {
    expect(parseVersion('nginx')).toBeNull();
    expect(parseVersion('')).toBeNull();
    expect(parseVersion('1.2.3abc')).toBeNull();
  });
});

describe('compareVersionStrings', () => {
  it.each([
    ['1.2.3', '1.2.10', -1],
    ['2.4.49', '2.4.5', 1],
    ['1.20.1', '1.20.1', 0],
    ['1.20', '1.20.0', 0],
    ['10.0', '8.5', 1],
    ['1.0.1', '1.0.1a', -1],
    ['1.0.1f', '1.0.1g', -1],
    ['1.0.1z', '1.0.1za', -1],
    ['0.9.8za', '0.9.8zh', -1],
    ['1.0.1t', '1.0.2', -1],
    ['5.8.1-beta', '5.8.1', -1],
    ['5.8.1-rc1', '5.8.1-beta2', 1],
    ['5.0.0-alpha.1', '5.0.0-beta.3', -1],
    ['1.0.2-beta1', '1.0.2-beta2', -1],
    ['8.1.0-dev', '8.1.0-alpha1', -1],
    ['7.4.3-4ubuntu2.19', '7.4.3', 0],
  ])('compares %s with %s as %i', (a, b, expected) => {
    expect(compareVersionStrings(a, b)).toBe(expected);
    expect(compareVersionStrings(b, a)).toBe(-expected || 0);
  });
});

describe('versionInRange', () => {
  it('includes introduced and excludes fixed', () => {
    expect(inRange('2.4.49', '2.4.49', '2.4.50')).toBe(true);
    expect(inRange('2.4.50', '2.4.49', '2.4.50')).toBe(false);
    expect(inRange('2.4.48', '2.4.49', '2.4.50')).toBe(false);
    expect(inRange('1.20.0', '0.6.18', '1.20.1')).toBe(true);
    expect(inRange('1.20.1', '0.6.18', '1.20.1')).toBe(false);
  });

  it('places Heartbleed exactly on OpenSSL 1.0.1 to 1.0.1f', () => {
    for (const v of ['1.0.1', '1.0.1a', '1.0.1f']) expect(inRange(v, '1.0.1', '1.0.1g')).toBe(true);
    for (const v of ['1.0.0z', '1.0.1g', '1.0.1h', '1.0.2']) expect(inRange(v, '1.0.1', '1.0.1g')).toBe(false);
    expect(inRange('1.0.2-beta1', '1.0.2-beta1', '1.0.2-beta2')).toBe(true);
    expect(inRange('1.0.2', '1.0.2-beta1', '1.0.2-beta2')).toBe(false);
  });

  it('treats pre-releases as older than their release', () => {
    expect(inRange('5.0.0-beta.2', '5.0.0-alpha.1', '5.0.0-beta.3')).toBe(true);
    expect(inRange('5.0.0', '5.0.0-alpha.1', '5.0.0-beta.3')).toBe(false);
    expect(inRange('4.19.2-beta', '0', '4.19.2')).toBe(true);
  });

  it('matches a partial version only when every release it could be is affected', () => {
    // "Drupal 7" is also 7.58 and later, which are fixed.
    expect(inRange('7', '7.0', '7.58', 2)).toBe(false);
    // "Joomla! 1.5" is 1.5.0 to 1.5.26, all of them inside 1.5.0 to 3.4.5.
    expect(inRange('1.5', '1.5.0', '3.4.6', 3)).toBe(true);
    expect(inRange('2.4', '2.4.49', '2.4.50', 3)).toBe(false);
    // With enough parts the version is exact: WordPress "6.2" is 6.2.0.
    expect(inRange('6.2', '6.2.0', '6.2.1', 2)).toBe(true);
  });

  it('describes ranges for evidence', () => {
    expect(describeRange({ introduced: '0', fixed: '3.4.0' })).toBe('< 3.4.0');
    expect(describeRange({ introduced: '1.5.13', fixed: '1.26.2' })).toBe('>= 1.5.13, < 1.26.2');
  });
});
