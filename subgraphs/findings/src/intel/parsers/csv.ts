import { FeedFormatError } from './feed-error.js';

/**
 * RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks (MITRE's CWE export
 * does). Lines starting with `#` before the header are comments (FIRST's EPSS file has one).
 * Returns the header and the rows; an unterminated quote or a ragged row is a FeedFormatError.
 */
export function parseCsv(text: string, feed: string, opts: { allowTrailingEmptyField?: boolean } = {}): { header: string[]; rows: string[][]; comments: string[] } {
  const comments: string[] = [];
  let pos = 0;
  if (text.charCodeAt(0) === 0xfeff) pos = 1;
  while (text[pos] === '#') {
    const end = text.indexOf('\n', pos);
    comments.push(text.slice(pos + 1, end === -1 ? text.length : end).replace(/\r$/, ''));
    pos = end === -1 ? text.length : end + 1;
  }
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStart = true;
  for (; pos < text.length; pos++) {
    const c = text[pos]!;
    if (quoted) {
      if (c === '"') {
        if (text[pos + 1] === '"') {
          field += '"';
          pos++;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
      continue;
    }
    if (c === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else if (c === ',') {
      record.push(field);
      field = '';
      fieldStart = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[pos + 1] === '\n') pos++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      fieldStart = true;
    } else {
      field += c;
      fieldStart = false;
    }
  }
  if (quoted) throw new FeedFormatError(feed, 'the file ends inside a quoted field (truncated?)');
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const nonEmpty = records.filter((r) => !(r.length === 1 && r[0] === ''));
  if (nonEmpty.length === 0) throw new FeedFormatError(feed, 'the file is empty');
  const [header, ...rows] = nonEmpty as [string[], ...string[][]];
  for (const [i, row] of rows.entries()) {
    const ok = row.length === header.length || (opts.allowTrailingEmptyField && row.length === header.length + 1 && row.at(-1) === '');
    if (!ok) throw new FeedFormatError(feed, `row ${i + 2} has ${row.length} fields where the header has ${header.length} (truncated or malformed)`);
  }
  return { header, rows, comments };
}

/** Maps each row to an object by header name. */
export function csvObjects(parsed: { header: string[]; rows: string[][] }): Record<string, string>[] {
  return parsed.rows.map((row) => Object.fromEntries(parsed.header.map((h, i) => [h, row[i] ?? ''])));
}
