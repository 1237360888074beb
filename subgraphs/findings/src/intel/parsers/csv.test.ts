import { describe, expect, it } from 'vitest';
import { csvObjects, parseCsv } from './csv.js';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and leading comments', () => {
    const parsed = parseCsv('#model_version:v1\na,b\n"x, y","say ""hi""\nthere"\r\n1,2\n', 'test');
    expect(parsed.comments).toEqual(['model_version:v1']);
    expect(csvObjects(parsed)).toEqual([
      { a: 'x, y', b: 'say "hi"\nthere' },
      { a: '1', b: '2' },
    ]);
  });

  it('rejects a file cut inside a quoted field', () => {
    expect(() => parseCsv('a,b\n"x,', 'cwe')).toThrow(/cwe: the file ends inside a quoted field/);
  });

  it('rejects a ragged row, but accepts a trailing empty field when asked', () => {
    expect(() => parseCsv('a,b\n1\n', 'epss')).toThrow(/row 2 has 1 fields/);
    expect(parseCsv('a,b\n1,2,\n', 'cwe', { allowTrailingEmptyField: true }).rows).toEqual([['1', '2', '']]);
  });
});
