import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FeedName } from './intel.entity.js';

/** Where one feed's file comes from: a local path or an http(s) URL. */
export interface FeedSource {
  feed: FeedName;
  location: string;
}

/** Largest feed file read (ATT&CK unpacked is ~50 MB; EPSS ~11 MB). */
const MAX_FEED_BYTES = 256 * 1024 * 1024;

/** A feed file as read: bytes and their SHA-256 (to skip unchanged feeds). */
export interface FeedFile {
  source: FeedSource;
  bytes: Buffer;
  sha256: string;
}

/** Reads a feed from a file or URL, bounded in size and time. */
export async function readFeed(source: FeedSource, opts: { timeoutMs?: number } = {}): Promise<FeedFile> {
  let bytes: Buffer;
  if (/^https?:\/\//i.test(source.location)) {
    const res = await fetch(source.location, { signal: AbortSignal.timeout(opts.timeoutMs ?? 120_000), redirect: 'follow' });
    if (!res.ok) throw new Error(`${source.feed}: ${source.location} answered HTTP ${res.status}`);
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > MAX_FEED_BYTES) throw new Error(`${source.feed}: ${source.location} is larger than ${MAX_FEED_BYTES} bytes`);
    bytes = Buffer.from(await res.arrayBuffer());
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source.location)) {
    throw new Error(`${source.feed}: only files and http(s) URLs are supported, not ${source.location}`);
  } else {
    const info = await stat(source.location);
    if (info.size > MAX_FEED_BYTES) throw new Error(`${source.feed}: ${source.location} is larger than ${MAX_FEED_BYTES} bytes`);
    bytes = await readFile(source.location);
  }
  if (bytes.length > MAX_FEED_BYTES) throw new Error(`${source.feed}: ${source.location} is larger than ${MAX_FEED_BYTES} bytes`);
  return { source, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** How each feed's file is recognised in a folder laid out like the published snapshots. */
const PATTERNS: Record<FeedName, RegExp> = {
  kev: /^known_exploited_vulnerabilities\.json$/,
  epss: /^epss_scores.*\.csv(\.gz)?$/,
  attack: /^enterprise-attack.*\.json(\.gz)?$/,
  d3fend: /^d3fend-\d+\.\d+\.\d+-techniques\.csv$/,
  'attack-d3fend': /^attack-to-d3fend.*\.csv$/,
  cwe: /^cwe.*\.csv$/,
};

/**
 * Finds every feed's file in a folder (and its sub-folders one level down, as in kev/, epss/…).
 * When several files match, the last by name wins (dated names sort oldest first).
 */
export async function discoverFeeds(dir: string): Promise<FeedSource[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isFile()) files.push(path.join(dir, entry.name));
    else if (entry.isDirectory()) {
      for (const inner of await readdir(path.join(dir, entry.name), { withFileTypes: true })) {
        if (inner.isFile()) files.push(path.join(dir, entry.name, inner.name));
      }
    }
  }
  const found: FeedSource[] = [];
  for (const [feed, pattern] of Object.entries(PATTERNS) as [FeedName, RegExp][]) {
    const match = files.filter((f) => pattern.test(path.basename(f))).sort((a, b) => path.basename(a).localeCompare(path.basename(b))).at(-1);
    if (match) found.push({ feed, location: match });
  }
  return found;
}

/**
 * The release a file name carries where the bytes do not: `d3fend-1.6.0-techniques.csv` → 1.6.0,
 * `enterprise-attack-18.1.json.gz` → 18.1, `attack-to-d3fend-derived-20250825.csv` → 20250825.
 */
export function versionFromName(location: string): string | undefined {
  const name = path.basename(location.split('?')[0]!);
  return /(?:^|[-_v])(\d+\.\d+(?:\.\d+)?)(?=[-_.])/.exec(name)?.[1] ?? /(?:^|[-_])(\d{8})(?=[-_.])/.exec(name)?.[1];
}
