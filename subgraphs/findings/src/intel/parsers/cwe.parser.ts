import { csvObjects, parseCsv } from './csv.js';
import { feedText } from './feed-bytes.js';
import { FeedFormatError } from './feed-error.js';

const FEED = 'cwe';

/** One weakness of MITRE's CWE research view (view 1000). */
export interface CweRecord {
  /** `CWE-<n>` */
  cweId: string;
  name: string;
  /** Pillar, Class, Base, Variant or Compound. */
  abstraction: string;
  /** Stable, Usable, Draft, Incomplete, Obsolete or Deprecated. */
  status: string;
  description: string;
  /** `CWE-<n>` ids this weakness is ChildOf in view 1000 (empty for the ten Pillars). */
  parents: string[];
  /** `CAPEC-<n>` ids from Related Attack Patterns, in file order. */
  capecIds: string[];
}

/** The CWE view as parsed. */
export interface CweFeed {
  /** The caller's release name when known, else derived from the data (see parseCwe). */
  version: string;
  /** MITRE's CSV export carries no date. */
  dataDate: null;
  records: CweRecord[];
}

/** The columns read; the export has 23, the rest are ignored. */
const COLUMNS = ['CWE-ID', 'Name', 'Weakness Abstraction', 'Status', 'Description', 'Related Weaknesses', 'Related Attack Patterns'] as const;
// Enumerations of the CWE XML schema (cwe_schema v7). A value outside them almost always means a
// shifted column in a damaged file, so it rejects the file rather than storing nonsense.
const ABSTRACTIONS = new Set(['Pillar', 'Class', 'Base', 'Variant', 'Compound']);
const STATUSES = new Set(['Stable', 'Usable', 'Draft', 'Incomplete', 'Obsolete', 'Deprecated']);
const RESEARCH_VIEW = '1000';

/**
 * Parses MITRE's CSV export of CWE view 1000 (`1000.csv`, plain or gzipped). Rows end with a
 * trailing comma and quoted fields span lines, hence the RFC 4180 parser.
 *
 * The export states no CWE release or date. `version` is the caller's `opts.version` when it knows
 * the release (e.g. from a `cwec_v4.18` file name); otherwise it is derived from the content, as
 * "<n> weaknesses, newest CWE-<max id>", which changes whenever MITRE adds a weakness and lets a
 * reader place the file among releases (our snapshot: "944 weaknesses, newest CWE-1434").
 *
 * Checks: the needed columns exist, every row has the header's field count, ids are numeric and
 * unique, abstraction/status are known values, Related Weaknesses entries are well-formed, and every
 * view-1000 parent is itself in the file. The view is closed under ChildOf, so a dangling parent
 * means rows are missing: that catches a file cut at a row boundary unless only leaf rows were lost
 * (for our snapshot, 933 of its 943 row boundaries; the export has no count to check against).
 */
export function parseCwe(buf: Buffer, opts: { version?: string } = {}): CweFeed {
  const parsed = parseCsv(feedText(buf, FEED), FEED, { allowTrailingEmptyField: true });
  const missing = COLUMNS.filter((c) => !parsed.header.includes(c));
  if (missing.length > 0) throw new FeedFormatError(FEED, `the header lacks column(s) ${missing.join(', ')}`);
  const rows = csvObjects(parsed);
  if (rows.length === 0) throw new FeedFormatError(FEED, 'the file holds a header but no weaknesses');

  const seen = new Set<string>();
  const records = rows.map((row, i): CweRecord => {
    // Row numbers count the header as row 1, as parseCsv's messages do.
    const at = `row ${i + 2}`;
    const num = row['CWE-ID']!;
    if (!/^\d+$/.test(num)) throw new FeedFormatError(FEED, `${at}: CWE-ID ${JSON.stringify(num)} is not a number`);
    const cweId = `CWE-${Number(num)}`;
    const where = `${at} (${cweId})`;
    if (seen.has(cweId)) throw new FeedFormatError(FEED, `${where} is listed twice`);
    seen.add(cweId);
    const name = row['Name']!;
    const abstraction = row['Weakness Abstraction']!;
    const status = row['Status']!;
    const description = row['Description']!;
    if (name.trim() === '') throw new FeedFormatError(FEED, `${where}: Name is empty`);
    if (!ABSTRACTIONS.has(abstraction)) throw new FeedFormatError(FEED, `${where}: Weakness Abstraction ${JSON.stringify(abstraction.slice(0, 60))} is not a CWE abstraction`);
    if (!STATUSES.has(status)) throw new FeedFormatError(FEED, `${where}: Status ${JSON.stringify(status.slice(0, 60))} is not a CWE status`);
    if (description.trim() === '') throw new FeedFormatError(FEED, `${where}: Description is empty`);
    return {
      cweId,
      name,
      abstraction,
      status,
      description,
      parents: researchParents(row['Related Weaknesses']!, where),
      capecIds: capecIds(row['Related Attack Patterns']!, where),
    };
  });

  for (const [i, r] of records.entries()) {
    const dangling = r.parents.find((p) => !seen.has(p));
    if (dangling) throw new FeedFormatError(FEED, `row ${i + 2} (${r.cweId}): parent ${dangling} is not in the file (rows missing: truncated?)`);
  }
  return { version: opts.version ?? derivedVersion(records), dataDate: null, records };
}

/**
 * `::NATURE:ChildOf:CWE ID:74:VIEW ID:1000:ORDINAL:Primary::NATURE:CanPrecede:...::` → the ChildOf
 * targets in view 1000. Other natures and views (e.g. 1003, the NVD view) are checked but not kept.
 */
function researchParents(field: string, where: string): string[] {
  const parents: string[] = [];
  for (const entry of field.split('::')) {
    if (entry === '') continue;
    const parts = entry.split(':');
    const fields = new Map<string, string>();
    for (let k = 0; k + 1 < parts.length; k += 2) fields.set(parts[k]!, parts[k + 1]!);
    const nature = fields.get('NATURE');
    const id = fields.get('CWE ID');
    const view = fields.get('VIEW ID');
    if (parts.length % 2 !== 0 || !nature || !id || !/^\d+$/.test(id) || !view || !/^\d+$/.test(view)) {
      throw new FeedFormatError(FEED, `${where}: Related Weaknesses entry ${JSON.stringify(entry.slice(0, 80))} is malformed`);
    }
    const parent = `CWE-${Number(id)}`;
    if (nature === 'ChildOf' && view === RESEARCH_VIEW && !parents.includes(parent)) parents.push(parent);
  }
  return parents;
}

/** `::21::59::` → ['CAPEC-21', 'CAPEC-59']. */
function capecIds(field: string, where: string): string[] {
  const ids: string[] = [];
  for (const entry of field.split('::')) {
    if (entry === '') continue;
    if (!/^\d+$/.test(entry)) throw new FeedFormatError(FEED, `${where}: Related Attack Patterns entry ${JSON.stringify(entry.slice(0, 40))} is not a CAPEC number`);
    const id = `CAPEC-${Number(entry)}`;
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

function derivedVersion(records: CweRecord[]): string {
  const newest = Math.max(...records.map((r) => Number(r.cweId.slice(4))));
  return `${records.length} weaknesses, newest CWE-${newest}`;
}

