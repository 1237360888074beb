import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, pageSize } from './cursor.js';

describe('cursors', () => {
  it('are `<created_at>:<id>` and decode to the same position', () => {
    const c = { createdAt: new Date('2026-05-07T14:00:00.123Z'), id: '01a20251-97c5-7ade-bf80-cb69311f55e0' };
    const raw = encodeCursor(c);
    expect(raw).toBe('2026-05-07T14:00:00.123Z:01a20251-97c5-7ade-bf80-cb69311f55e0');
    expect(decodeCursor(raw)).toEqual(c);
  });

  it('treat an absent cursor as the first page', () => {
    expect(decodeCursor(undefined)).toBeNull();
    expect(decodeCursor('')).toBeNull();
  });

  it('refuse anything this API did not issue, naming the argument', () => {
    for (const bad of ['abc', '2026-05-07T14:00:00Z', 'yesterday:01a20251-97c5-7ade-bf80-cb69311f55e0', '2026-05-07T14:00:00Z:not-a-uuid']) {
      expect(() => decodeCursor(bad, 'cursor')).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'cursor' }) }));
    }
  });

  it('page 50 by default and 1 to 100 when asked', () => {
    expect(pageSize(undefined)).toBe(50);
    expect(pageSize(1)).toBe(1);
    expect(pageSize(100)).toBe(100);
    for (const bad of [0, 101, -1, 2.5]) expect(() => pageSize(bad)).toThrow(/between 1 and 100/);
  });
});
