import { describe, expect, it } from 'vitest';
import { inlineScriptRanges, inlineSourceMap, positionFinder, sourceMapContents } from './secret-sources.js';

describe('sourceMapContents', () => {
  it('pairs each sourcesContent entry with its source name, sections included', () => {
    const map = {
      version: 3,
      sections: [
        { offset: { line: 0, column: 0 }, map: { sources: ['a.ts', 'b.ts'], sourcesContent: ['const a = 1;', null], mappings: '' } },
        { offset: { line: 9, column: 0 }, map: { sources: ['c.ts'], sourcesContent: ['const c = 3;'], mappings: '' } },
      ],
    };
    expect(sourceMapContents(JSON.stringify(map))).toEqual([
      { source: 'a.ts', content: 'const a = 1;' },
      { source: 'c.ts', content: 'const c = 3;' },
    ]);
  });

  it('accepts the XSSI prefix some servers add and returns null for a truncated map', () => {
    expect(sourceMapContents(`)]}'\n${JSON.stringify({ sources: ['x.js'], sourcesContent: ['x'] })}`)).toEqual([{ source: 'x.js', content: 'x' }]);
    expect(sourceMapContents('{"version":3,"sourcesContent":["cut sh')).toBeNull();
  });
});

describe('inlineSourceMap', () => {
  it('decodes a base64 data: map at the end of a script', () => {
    const map = Buffer.from(JSON.stringify({ sources: ['src/env.ts'], sourcesContent: ['export const env = 1;'] })).toString('base64');
    expect(inlineSourceMap(`var a=1;\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${map}\n`)).toEqual([
      { source: 'src/env.ts', content: 'export const env = 1;' },
    ]);
    expect(inlineSourceMap('var a=1;\n//# sourceMappingURL=a.js.map')).toBeNull();
  });
});

describe('positionFinder and inlineScriptRanges', () => {
  it('gives 1-based lines and columns', () => {
    const at = positionFinder('ab\ncd\n\nef');
    expect(at(0)).toEqual({ line: 1, column: 1 });
    expect(at(4)).toEqual({ line: 2, column: 2 });
    expect(at(7)).toEqual({ line: 4, column: 1 });
  });

  it('covers inline scripts but not external ones', () => {
    const html = '<script src="/a.js">x</script><script type="module">let y;</script>';
    const ranges = inlineScriptRanges(html);
    expect(ranges).toHaveLength(1);
    expect(html.slice(...ranges[0]!)).toBe('let y;');
  });
});
