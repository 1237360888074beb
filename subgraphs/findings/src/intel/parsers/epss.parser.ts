import { feedText } from './feed-bytes.js';
import { FeedFormatError } from './feed-error.js';

const FEED = 'epss';

/** One CVE's EPSS score: the probability of exploitation in the next 30 days, and its rank. */
export interface EpssRecord {
  cveId: string;
  /** 0..1 */
  epss: number;
  /** 0..1, the share of scored CVEs at or below this score. */
  percentile: number;
}

/** The EPSS file as parsed. */
export interface EpssFeed {
  /** `model_version` from the leading `#` comment (FIRST's daily file), else 'unknown'. */
  version: string;
  /** `score_date` from the comment as YYYY-MM-DD when it holds a date, else null. */
  dataDate: string | null;
  records: EpssRecord[];
}

const HEADER = 'cve,epss,percentile';
const CVE_ID = /^CVE-\d{4}-\d{4,19}$/;
/** Plain decimals as FIRST writes them (an exponent is tolerated); no sign, no blanks, no hex. */
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
const DATE_PREFIX = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/;

/**
 * Parses FIRST's EPSS CSV (plain or gzipped): optional `#` comment lines, the header
 * `cve,epss,percentile`, then one row per CVE.
 *
 * FIRST's own file starts `#model_version:v2023.03.01,score_date:2023-03-05T00:00:00+0000`; both
 * keys are read from the first comment. The mirror snapshot we ship instead starts
 * `#source:<repo>@<commit> (FIRST EPSS API crawl 2026-08-16),score_date:not-recorded`: it names
 * no model, and its score date is unknown (the crawl date is not the score date: the crawl took
 * hours and may straddle a publication), so that file yields version 'unknown' and dataDate null.
 * Any `key:value` pairs are accepted in the comment; only those two keys are used.
 *
 * EPSS fields are never quoted, so rows are split on commas by hand rather than with the general
 * CSV parser: 360k rows in well under a second. Every row is still checked (three fields, a CVE id,
 * two numbers in 0..1, no repeated CVE) and one bad row rejects the whole file.
 */
export function parseEpss(buf: Buffer): EpssFeed {
  const text = feedText(buf, FEED);
  let pos = 0;
  let line = 0;
  /** The next line without its terminator, or null at the end of the text. */
  const next = (): string | null => {
    if (pos >= text.length) return null;
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    const raw = text.charCodeAt(end - 1) === 13 ? text.slice(pos, end - 1) : text.slice(pos, end);
    pos = end + 1;
    line++;
    return raw;
  };

  const comments: string[] = [];
  let header = next();
  while (header !== null && header.startsWith('#')) {
    comments.push(header.slice(1));
    header = next();
  }
  if (header === null) throw new FeedFormatError(FEED, 'the file is empty (no header line)');
  if (header.trim() !== HEADER) throw new FeedFormatError(FEED, `line ${line}: header is ${JSON.stringify(header)}, expected "${HEADER}"`);
  const meta = commentFields(comments[0]);

  const records: EpssRecord[] = [];
  const seen = new Set<string>();
  let blankAt = 0;
  for (let row = next(); row !== null; row = next()) {
    if (row === '') {
      blankAt ||= line;
      continue;
    }
    // A blank line is tolerated only at the very end (a trailing newline or two).
    if (blankAt) throw new FeedFormatError(FEED, `line ${blankAt} is blank in the middle of the data`);
    const c1 = row.indexOf(',');
    const c2 = c1 === -1 ? -1 : row.indexOf(',', c1 + 1);
    if (c2 === -1 || row.indexOf(',', c2 + 1) !== -1) throw new FeedFormatError(FEED, `line ${line}: expected 3 fields (cve,epss,percentile) in ${JSON.stringify(row.slice(0, 80))}`);
    const cveId = row.slice(0, c1);
    if (!CVE_ID.test(cveId)) throw new FeedFormatError(FEED, `line ${line}: ${JSON.stringify(cveId)} is not a CVE id`);
    if (seen.has(cveId)) throw new FeedFormatError(FEED, `line ${line}: ${cveId} is listed twice`);
    seen.add(cveId);
    records.push({
      cveId,
      epss: probability(row.slice(c1 + 1, c2), 'epss', line),
      percentile: probability(row.slice(c2 + 1), 'percentile', line),
    });
  }
  // A header with no rows is a failed export; loading it would wipe every score.
  if (records.length === 0) throw new FeedFormatError(FEED, 'the file holds a header but no scores');
  return { version: modelVersion(meta.get('model_version')), dataDate: scoreDate(meta.get('score_date')), records };
}

function probability(field: string, name: string, line: number): number {
  const value = NUMBER.test(field) ? Number(field) : Number.NaN;
  if (!(value >= 0 && value <= 1)) throw new FeedFormatError(FEED, `line ${line}: ${name} ${JSON.stringify(field)} is not a number in 0..1`);
  return value;
}

/** `key:value,key:value` from FIRST's first comment line (split on the first colon of each pair). */
function commentFields(comment: string | undefined): Map<string, string> {
  const fields = new Map<string, string>();
  for (const pair of (comment ?? '').split(',')) {
    const colon = pair.indexOf(':');
    if (colon > 0) fields.set(pair.slice(0, colon).trim(), pair.slice(colon + 1).trim());
  }
  return fields;
}

function modelVersion(value: string | undefined): string {
  if (value === undefined || value === '') return 'unknown';
  // The version column holds 100 characters; a longer "version" is not one FIRST would write.
  if (!/^\S{1,100}$/.test(value)) throw new FeedFormatError(FEED, `model_version ${JSON.stringify(value.slice(0, 120))} is not a version`);
  return value;
}

/** FIRST writes `2023-03-05T00:00:00+0000`; scores are daily, so the day is kept. Non-dates give null. */
function scoreDate(value: string | undefined): string | null {
  const m = value === undefined ? null : DATE_PREFIX.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

