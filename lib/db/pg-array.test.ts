import { describe, expect, it } from 'vitest';
import { pgTextArray } from './pg-array.js';

describe('pgTextArray', () => {
  it('quotes each value and escapes quotes and backslashes', () => {
    expect(pgTextArray([])).toBe('{}');
    expect(pgTextArray(['CVE-2021-41773', 'a"b', 'c\\d', 'x,y'])).toBe('{"CVE-2021-41773","a\\"b","c\\\\d","x,y"}');
  });
});
