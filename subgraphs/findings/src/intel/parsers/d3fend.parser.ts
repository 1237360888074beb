import { createHash } from 'node:crypto';
import { parseCsv } from './csv.js';
import { unpack } from './feed-bytes.js';
import { FeedFormatError } from './feed-error.js';

const D3FEND_ID = /^D3-[A-Z0-9]+$/;
const ATTACK_ID = /^T\d{4}(\.\d{3})?$/;
// D3FEND has added tactics between releases (Model, Restore), so accept any single word, not a list.
const TACTIC = /^[A-Z][A-Za-z]+$/;

/** The official technique table (`ontologies/d3fend/<release>/d3fend.csv`). */
const OFFICIAL_HEADER = ['ID', 'D3FEND Tactic', 'D3FEND Technique', 'D3FEND Technique Level 0', 'D3FEND Technique Level 1', 'Definition'];
/** Our table derived from the ontology's Turtle (`d3fend-ontology-<date>-techniques.csv`). */
const DERIVED_HEADER = ['d3fend_id', 'label', 'tactic', 'parent_label', 'parent_id', 'iri_local', 'definition'];
/** The derived ATT&CK → D3FEND artifact-matching table (`attack-to-d3fend-derived-<date>.csv`). */
const MAPPING_HEADER = ['attack_id', 'attack_technique', 'd3fend_id', 'd3fend_technique', 'd3fend_tactic', 'via_d3fend_technique', 'd3fend_artifact_relation', 'd3fend_artifact', 'attack_artifact', 'attack_artifact_relation'];

/** A D3FEND defensive technique at any depth of the tree. */
export interface D3fendTechnique {
  id: string; // 'D3-NTA'
  name: string;
  tactic: string; // 'Detect', 'Harden', …
  definition: string; // '' for the 30 top-level techniques of 1.6.0, which the table leaves blank
}

/** An ATT&CK technique countered by a D3FEND technique, one per (attackId, d3fendId) pair. */
export interface AttackD3fendLink {
  attackId: string;
  d3fendId: string;
  d3fendName: string;
  d3fendTactic: string;
  relation: string; // what the defence does to the shared artifact in the pair's first row ('filters')
  relations: string[]; // every distinct such verb across the pair's rows, in file order
}

/**
 * Parses a D3FEND technique table: the official release CSV, or the table we derived from the
 * ontology (told apart by the header). Neither file states its release in its bytes, so `version`
 * is `versionHint` (the caller takes it from the file name, `d3fend-1.6.0-techniques.csv`), else a
 * content hash `sha256-<12 hex>` that at least changes when the data does. No data date is given.
 */
export function parseD3fendTechniques(buf: Buffer, versionHint?: string): { version: string; dataDate: null; records: D3fendTechnique[] } {
  const feed = 'd3fend';
  const text = decode(buf, feed);
  const { header, rows } = parseCsv(text, feed);
  let records: D3fendTechnique[];
  if (sameHeader(header, OFFICIAL_HEADER)) {
    records = rows.map((row, i) => officialRow(row, i + 2, feed));
  } else if (sameHeader(header, DERIVED_HEADER)) {
    records = rows.map((row, i) => derivedRow(row, i + 2, feed));
  } else {
    throw new FeedFormatError(feed, `unknown header ${JSON.stringify(header.join(','))}`);
  }
  if (records.length === 0) throw new FeedFormatError(feed, 'the table has no techniques');
  const seen = new Set<string>();
  for (const r of records) {
    if (seen.has(r.id)) throw new FeedFormatError(feed, `technique ${r.id} appears twice`);
    seen.add(r.id);
  }
  return { version: versionHint ?? contentVersion(text), dataDate: null, records };
}

/**
 * Parses the derived ATT&CK → D3FEND table. It has one row per matching artifact path, so a pair
 * recurs (6,901 rows hold 5,327 pairs in the 2025-08-25 snapshot); pairs are merged here, keeping
 * the first row's names and collecting every artifact relation. Rows of one pair that disagree on
 * the D3FEND name or tactic reject the file. `version` as for `parseD3fendTechniques`.
 */
export function parseAttackD3fend(buf: Buffer, versionHint?: string): { version: string; dataDate: null; records: AttackD3fendLink[] } {
  const feed = 'attack-d3fend';
  const text = decode(buf, feed);
  const { header, rows } = parseCsv(text, feed);
  if (!sameHeader(header, MAPPING_HEADER)) throw new FeedFormatError(feed, `unknown header ${JSON.stringify(header.join(','))}`);
  if (rows.length === 0) throw new FeedFormatError(feed, 'the table has no rows');
  const byPair = new Map<string, AttackD3fendLink>();
  for (const [i, row] of rows.entries()) {
    const line = i + 2;
    const [attackId, , d3fendId, d3fendName, d3fendTactic, , relation] = row as [string, string, string, string, string, string, string];
    if (!ATTACK_ID.test(attackId)) throw new FeedFormatError(feed, `row ${line}: attack_id ${JSON.stringify(attackId)} is not T#### or T####.###`);
    if (!D3FEND_ID.test(d3fendId)) throw new FeedFormatError(feed, `row ${line}: d3fend_id ${JSON.stringify(d3fendId)} is not D3-…`);
    if (d3fendName.trim() === '') throw new FeedFormatError(feed, `row ${line}: d3fend_technique is empty`);
    if (!TACTIC.test(d3fendTactic)) throw new FeedFormatError(feed, `row ${line}: d3fend_tactic ${JSON.stringify(d3fendTactic)} is not a tactic name`);
    if (relation.trim() === '') throw new FeedFormatError(feed, `row ${line}: d3fend_artifact_relation is empty`);
    const key = `${attackId}|${d3fendId}`;
    const known = byPair.get(key);
    if (!known) {
      byPair.set(key, { attackId, d3fendId, d3fendName, d3fendTactic, relation, relations: [relation] });
      continue;
    }
    if (known.d3fendName !== d3fendName || known.d3fendTactic !== d3fendTactic) {
      throw new FeedFormatError(feed, `row ${line}: ${d3fendId} is named or placed differently than in an earlier row for ${attackId}`);
    }
    if (!known.relations.includes(relation)) known.relations.push(relation);
  }
  return { version: versionHint ?? contentVersion(text), dataDate: null, records: [...byPair.values()] };
}

/**
 * One official row: the name sits in exactly one of three columns, by depth (top technique,
 * Level 0, Level 1). Every row of the table is a technique with an id; there are no header rows.
 */
function officialRow(row: string[], line: number, feed: string): D3fendTechnique {
  const [id, tactic, top, level0, level1, definition] = row as [string, string, string, string, string, string];
  checkIdAndTactic(id, tactic, line, feed);
  const names = [top, level0, level1].filter((n) => n.trim() !== '');
  if (names.length !== 1) throw new FeedFormatError(feed, `row ${line} (${id}): expected the name in exactly one of the three technique columns, found ${names.length}`);
  return { id, name: names[0]!, tactic, definition };
}

function derivedRow(row: string[], line: number, feed: string): D3fendTechnique {
  const [id, label, tactic, , parentId, , definition] = row as [string, string, string, string, string, string, string];
  checkIdAndTactic(id, tactic, line, feed);
  if (label.trim() === '') throw new FeedFormatError(feed, `row ${line} (${id}): the label is empty`);
  if (parentId !== '' && !D3FEND_ID.test(parentId)) throw new FeedFormatError(feed, `row ${line} (${id}): parent_id ${JSON.stringify(parentId)} is not D3-…`);
  return { id, name: label, tactic, definition };
}

function checkIdAndTactic(id: string, tactic: string, line: number, feed: string): void {
  if (!D3FEND_ID.test(id)) throw new FeedFormatError(feed, `row ${line}: id ${JSON.stringify(id)} is not D3-…`);
  if (!TACTIC.test(tactic)) throw new FeedFormatError(feed, `row ${line} (${id}): tactic ${JSON.stringify(tactic)} is not a tactic name`);
}

/**
 * Gunzips when needed and decodes. These tables end every row with a line break; a file that stops
 * without one was cut mid-row, which a CSV parser alone would accept with a shortened last field.
 */
function decode(buf: Buffer, feed: string): string {
  const text = unpack(buf, feed).toString('utf8');
  if (text.length > 0 && !text.endsWith('\n')) throw new FeedFormatError(feed, 'the last row has no line break (truncated?)');
  return text;
}

function sameHeader(header: string[], expected: string[]): boolean {
  return header.length === expected.length && header.every((h, i) => h.trim() === expected[i]);
}

/** Hashes the unpacked text, so gzipping the same table does not change its version. */
function contentVersion(text: string): string {
  return `sha256-${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
}
