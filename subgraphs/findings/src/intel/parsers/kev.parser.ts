import { feedText } from './feed-bytes.js';
import { FeedFormatError } from './feed-error.js';

const FEED = 'kev';

/** One entry of CISA's Known Exploited Vulnerabilities catalogue. */
export interface KevRecord {
  cveId: string;
  vendorProject: string;
  product: string;
  vulnerabilityName: string;
  /** YYYY-MM-DD, the day CISA added the CVE. */
  dateAdded: string;
  shortDescription: string;
  requiredAction: string;
  /** YYYY-MM-DD, the federal remediation deadline. */
  dueDate: string;
  /** CISA's 'Known' is true; 'Unknown' (or an older catalogue without the field) is false. */
  knownRansomwareCampaignUse: boolean;
  notes: string;
  /** `CWE-<n>` ids; empty when CISA lists none (or the catalogue predates the field). */
  cwes: string[];
}

/** The KEV catalogue as parsed: version and release time come from the file itself. */
export interface KevFeed {
  /** `catalogVersion`, e.g. `2026.08.07`. */
  version: string;
  /** `dateReleased` normalised to ISO 8601 UTC (`toISOString`). */
  dataDate: string;
  records: KevRecord[];
}

// Patterns from CISA's own JSON schema (cisagov/kev-data known_exploited_vulnerabilities_schema.json).
const CVE_ID = /^CVE-\d{4}-\d{4,19}$/;
const CWE_ID = /^CWE-\d+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** Required string fields of each vulnerability, as the schema's `required` list has them. */
const REQUIRED_TEXT = ['vendorProject', 'product', 'vulnerabilityName', 'shortDescription', 'requiredAction'] as const;

/**
 * Parses CISA's KEV JSON (plain or gzipped). The whole file is rejected with a FeedFormatError if
 * it does not parse, if `count` disagrees with the array (the catalogue's own truncation check),
 * or if any record lacks a required field, has a malformed CVE id/date/CWE, or repeats a CVE.
 */
export function parseKev(buf: Buffer): KevFeed {
  let doc: unknown;
  try {
    doc = JSON.parse(feedText(buf, FEED));
  } catch (err) {
    if (err instanceof FeedFormatError) throw err;
    throw new FeedFormatError(FEED, `the file is not valid JSON (truncated?): ${(err as Error).message}`);
  }
  if (!isObject(doc)) throw new FeedFormatError(FEED, 'the top level is not a JSON object');
  const { catalogVersion, dateReleased, count, vulnerabilities } = doc;
  if (typeof catalogVersion !== 'string' || catalogVersion.trim() === '') throw new FeedFormatError(FEED, 'catalogVersion is missing or empty');
  if (typeof dateReleased !== 'string' || !DATE_TIME.test(dateReleased) || Number.isNaN(Date.parse(dateReleased))) {
    throw new FeedFormatError(FEED, `dateReleased ${JSON.stringify(dateReleased)} is not an ISO 8601 date-time`);
  }
  if (!Array.isArray(vulnerabilities)) throw new FeedFormatError(FEED, 'vulnerabilities is missing or not an array');
  if (typeof count !== 'number' || !Number.isInteger(count)) throw new FeedFormatError(FEED, 'count is missing or not an integer');
  if (count !== vulnerabilities.length) {
    throw new FeedFormatError(FEED, `count says ${count} vulnerabilities but the array holds ${vulnerabilities.length} (truncated or edited)`);
  }
  // An empty catalogue would wipe every KEV flag on load; CISA has never published one.
  if (vulnerabilities.length === 0) throw new FeedFormatError(FEED, 'the catalogue holds no vulnerabilities');

  const seen = new Set<string>();
  const records = vulnerabilities.map((v: unknown, i: number): KevRecord => {
    const record = parseRecord(v, i);
    if (seen.has(record.cveId)) throw new FeedFormatError(FEED, `vulnerabilities[${i}]: ${record.cveId} is listed twice`);
    seen.add(record.cveId);
    return record;
  });
  return { version: catalogVersion, dataDate: new Date(dateReleased).toISOString(), records };
}

function parseRecord(v: unknown, i: number): KevRecord {
  const at = `vulnerabilities[${i}]`;
  if (!isObject(v)) throw new FeedFormatError(FEED, `${at} is not an object`);
  const cveId = v.cveID;
  if (typeof cveId !== 'string' || !CVE_ID.test(cveId)) throw new FeedFormatError(FEED, `${at}: cveID ${JSON.stringify(cveId)} is not a CVE id`);
  const where = `${at} (${cveId})`;
  const text = {} as Record<(typeof REQUIRED_TEXT)[number], string>;
  for (const key of REQUIRED_TEXT) {
    const value = v[key];
    if (typeof value !== 'string') throw new FeedFormatError(FEED, `${where}: ${key} is missing or not a string`);
    text[key] = value;
  }
  return {
    cveId,
    ...text,
    dateAdded: date(v.dateAdded, 'dateAdded', where),
    dueDate: date(v.dueDate, 'dueDate', where),
    knownRansomwareCampaignUse: ransomware(v.knownRansomwareCampaignUse, where),
    notes: optionalText(v.notes, 'notes', where),
    cwes: cwes(v.cwes, where),
  };
}

/** A real calendar day in YYYY-MM-DD (2026-02-30 is rejected, not rolled over). */
function date(value: unknown, key: string, where: string): string {
  const m = typeof value === 'string' ? DATE.exec(value) : null;
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const t = new Date(Date.UTC(y, mo - 1, d));
    if (t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d) return value as string;
  }
  throw new FeedFormatError(FEED, `${where}: ${key} ${JSON.stringify(value)} is not a YYYY-MM-DD date`);
}

/** The two values CISA uses; anything else means the field's meaning changed, so stop and look. */
function ransomware(value: unknown, where: string): boolean {
  if (value === undefined || value === 'Unknown') return false;
  if (value === 'Known') return true;
  throw new FeedFormatError(FEED, `${where}: knownRansomwareCampaignUse ${JSON.stringify(value)} is neither 'Known' nor 'Unknown'`);
}

function optionalText(value: unknown, key: string, where: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new FeedFormatError(FEED, `${where}: ${key} is not a string`);
  return value;
}

function cwes(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new FeedFormatError(FEED, `${where}: cwes is not an array`);
  for (const c of value) {
    if (typeof c !== 'string' || !CWE_ID.test(c)) throw new FeedFormatError(FEED, `${where}: cwes holds ${JSON.stringify(c)}, not a CWE-<n> id`);
  }
  return [...new Set(value as string[])];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

