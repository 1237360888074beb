import { BadUserInputError } from '../errors.js';

/** A keyset position on (created_at, id) descending: `<ISO created_at>:<id>`, as the v1 API shows. */
export interface Cursor {
  createdAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(c: Cursor): string {
  return `${c.createdAt.toISOString()}:${c.id}`;
}

/** Parses `after`; a malformed cursor is the caller's mistake, named by field. */
export function decodeCursor(raw: string | null | undefined, field = 'after'): Cursor | null {
  if (raw === null || raw === undefined || raw === '') return null;
  const split = raw.lastIndexOf(':');
  const createdAt = new Date(raw.slice(0, split));
  const id = raw.slice(split + 1);
  if (split < 0 || Number.isNaN(createdAt.getTime()) || !UUID.test(id)) {
    throw new BadUserInputError([{ field, message: 'is not a cursor returned by this API' }]);
  }
  return { createdAt, id };
}

/** Page size: default 50, between 1 and 100. */
export function pageSize(first: number | null | undefined, field = 'first'): number {
  if (first === null || first === undefined) return 50;
  if (!Number.isInteger(first) || first < 1 || first > 100) {
    throw new BadUserInputError([{ field, message: 'must be an integer between 1 and 100' }]);
  }
  return first;
}
