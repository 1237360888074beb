import { unpack } from './feed-bytes.js';
import { FeedFormatError } from './feed-error.js';

const FEED = 'attack';
const TACTIC_ID = /^TA\d{4}$/;
const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/;
const STIX_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const RELEASE_VERSION = /^\d+(\.\d+)*$/;

/** An ATT&CK tactic (a column of the matrix). */
export interface AttackTactic {
  id: string; // 'TA0001'
  shortname: string; // 'initial-access', the kill-chain phase name techniques refer to
  name: string;
}

/** An ATT&CK technique or sub-technique that is neither revoked nor deprecated. */
export interface AttackTechnique {
  id: string; // 'T1190' or 'T1059.001'
  name: string;
  tactics: string[]; // tactic ids (TA…), in the order of the object's kill_chain_phases
  isSubtechnique: boolean;
  parentId: string | null; // 'T1059' for 'T1059.001'
  url: string | null;
}

/** What one ATT&CK bundle yields. */
export interface AttackFeed {
  version: string;
  dataDate: string | null;
  records: { tactics: AttackTactic[]; techniques: AttackTechnique[] };
}

type StixObject = Record<string, unknown>;

/**
 * Parses an ATT&CK STIX bundle (gzipped or plain; the STIX 2.0 mitre/cti flavour or the STIX 2.1
 * attack-stix-data flavour). Revoked and deprecated objects are dropped before validation, since
 * MITRE keeps them only as tombstones.
 *
 * `version` is the release (e.g. '18.1'). Only the 2.1 flavour carries it, in the
 * x-mitre-collection object. The 2.0 bundle mitre/cti publishes has no release number anywhere in
 * its bytes: the matrix's x_mitre_version ('1.0') is that object's own revision and
 * x_mitre_attack_spec_version ('3.3.0') is the STIX-extension schema, neither is the release. So
 * the caller may pass `versionHint` (from the file name, `enterprise-attack-18.1.json.gz`);
 * without either, the version is `modified-<dataDate>`, which still changes with every release
 * and never pretends to be a release number.
 */
export function parseAttack(buf: Buffer, versionHint?: string): AttackFeed {
  const bundle = readBundle(buf);
  const objects = bundle.objects;

  let collectionVersion: string | null = null;
  let maxModified = '';
  const tacticObjects: StixObject[] = [];
  const techniqueObjects: { obj: StixObject; index: number }[] = [];
  let tacticOrder: string[] = [];
  for (const [index, value] of objects.entries()) {
    if (!isObject(value) || typeof value.type !== 'string') throw new FeedFormatError(FEED, `object ${index} has no type`);
    const modified = value.modified;
    if (modified !== undefined) {
      if (typeof modified !== 'string' || !STIX_TIMESTAMP.test(modified)) throw new FeedFormatError(FEED, `object ${index} has a malformed modified timestamp`);
      if (modified > maxModified) maxModified = modified;
    }
    if (value.revoked === true || value.x_mitre_deprecated === true) continue;
    switch (value.type) {
      case 'x-mitre-collection':
        if (typeof value.x_mitre_version === 'string') collectionVersion = value.x_mitre_version;
        break;
      case 'x-mitre-matrix':
        // The matrix lists its tactics left to right; keep that order for display.
        if (Array.isArray(value.tactic_refs)) tacticOrder = value.tactic_refs.filter((r): r is string => typeof r === 'string');
        break;
      case 'x-mitre-tactic':
        tacticObjects.push(value);
        break;
      case 'attack-pattern':
        techniqueObjects.push({ obj: value, index });
        break;
    }
  }
  // Only live objects count: a bundle of tombstones cannot feed the matrix.
  if (techniqueObjects.length === 0) throw new FeedFormatError(FEED, 'the bundle holds no (live) attack-pattern');
  if (tacticObjects.length === 0) throw new FeedFormatError(FEED, 'the bundle holds no (live) x-mitre-tactic');

  const tactics = tacticObjects.map((t) => toTactic(t)).sort(byMatrixOrder(tacticObjects, tacticOrder));
  const tacticByShortname = new Map<string, string>();
  for (const t of tactics) {
    if (tacticByShortname.has(t.shortname)) throw new FeedFormatError(FEED, `two tactics share the shortname ${t.shortname}`);
    tacticByShortname.set(t.shortname, t.id);
  }
  if (new Set(tactics.map((t) => t.id)).size !== tactics.length) throw new FeedFormatError(FEED, 'two tactics share an ATT&CK id');

  const techniques = techniqueObjects.map(({ obj, index }) => toTechnique(obj, index, tacticByShortname));
  const ids = new Set<string>();
  for (const t of techniques) {
    if (ids.has(t.id)) throw new FeedFormatError(FEED, `technique ${t.id} appears twice`);
    ids.add(t.id);
  }
  // A live sub-technique under a dead or missing parent means the bundle is incomplete.
  for (const t of techniques) {
    if (t.parentId !== null && !ids.has(t.parentId)) throw new FeedFormatError(FEED, `sub-technique ${t.id} has no live parent ${t.parentId}`);
  }
  techniques.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const dataDate = maxModified === '' ? null : maxModified.slice(0, 10);
  return { version: releaseVersion(collectionVersion, versionHint, dataDate), dataDate, records: { tactics, techniques } };
}

/** Gunzips when needed, parses once, and checks the envelope; the raw text is dropped on return. */
function readBundle(buf: Buffer): { objects: unknown[] } {
  const bytes = unpack(buf, FEED);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new FeedFormatError(FEED, `the file is not valid JSON, truncated? (${(e as Error).message})`);
  }
  if (!isObject(parsed) || parsed.type !== 'bundle') throw new FeedFormatError(FEED, "the file is not a STIX bundle (type is not 'bundle')");
  if (!Array.isArray(parsed.objects)) throw new FeedFormatError(FEED, 'the bundle has no objects array');
  return { objects: parsed.objects };
}

function toTactic(obj: StixObject): AttackTactic {
  const ref = attackReference(obj);
  const where = `tactic ${String(obj.id)}`;
  if (!ref || !TACTIC_ID.test(ref.externalId)) throw new FeedFormatError(FEED, `${where} has no ATT&CK id (TA####)`);
  if (typeof obj.x_mitre_shortname !== 'string' || obj.x_mitre_shortname === '') throw new FeedFormatError(FEED, `${where} (${ref.externalId}) has no x_mitre_shortname`);
  return { id: ref.externalId, shortname: obj.x_mitre_shortname, name: requireName(obj, `${where} (${ref.externalId})`) };
}

function toTechnique(obj: StixObject, index: number, tacticByShortname: Map<string, string>): AttackTechnique {
  const ref = attackReference(obj);
  if (!ref || !TECHNIQUE_ID.test(ref.externalId)) throw new FeedFormatError(FEED, `attack-pattern at object ${index} has no ATT&CK id (T#### or T####.###)`);
  const id = ref.externalId;
  const where = `technique ${id} (object ${index})`;
  const dotted = id.includes('.');
  // The flag and the id shape must agree, or the parent link below would be wrong.
  if ((obj.x_mitre_is_subtechnique === true) !== dotted) throw new FeedFormatError(FEED, `${where}: x_mitre_is_subtechnique disagrees with the id`);

  const tactics: string[] = [];
  const phases = obj.kill_chain_phases ?? [];
  if (!Array.isArray(phases)) throw new FeedFormatError(FEED, `${where}: kill_chain_phases is not an array`);
  for (const phase of phases) {
    if (!isObject(phase) || typeof phase.kill_chain_name !== 'string' || typeof phase.phase_name !== 'string') throw new FeedFormatError(FEED, `${where} has a malformed kill-chain phase`);
    // Other kill chains (none in Enterprise today) do not name ATT&CK tactics.
    if (phase.kill_chain_name !== 'mitre-attack') continue;
    const tacticId = tacticByShortname.get(phase.phase_name);
    if (!tacticId) throw new FeedFormatError(FEED, `${where} names unknown tactic ${phase.phase_name}`);
    if (!tactics.includes(tacticId)) tactics.push(tacticId);
  }
  return { id, name: requireName(obj, where), tactics, isSubtechnique: dotted, parentId: dotted ? id.slice(0, 5) : null, url: ref.url };
}

/** The `mitre-attack` external reference carries the public id (T1190, TA0001) and its page. */
function attackReference(obj: StixObject): { externalId: string; url: string | null } | null {
  if (!Array.isArray(obj.external_references)) return null;
  for (const r of obj.external_references) {
    if (isObject(r) && r.source_name === 'mitre-attack' && typeof r.external_id === 'string') {
      return { externalId: r.external_id, url: typeof r.url === 'string' && r.url !== '' ? r.url : null };
    }
  }
  return null;
}

function requireName(obj: StixObject, where: string): string {
  if (typeof obj.name !== 'string' || obj.name.trim() === '') throw new FeedFormatError(FEED, `${where} has no name`);
  return obj.name;
}

/** Matrix order when the matrix lists every tactic, else by id. */
function byMatrixOrder(objs: StixObject[], order: string[]): (a: AttackTactic, b: AttackTactic) => number {
  const rank = new Map<string, number>();
  for (const obj of objs) {
    const ref = attackReference(obj);
    const at = order.indexOf(String(obj.id));
    if (ref && at !== -1) rank.set(ref.externalId, at);
  }
  const complete = rank.size === objs.length;
  return (a, b) => (complete ? rank.get(a.id)! - rank.get(b.id)! : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function releaseVersion(collectionVersion: string | null, versionHint: string | undefined, dataDate: string | null): string {
  if (collectionVersion) return collectionVersion;
  if (versionHint !== undefined) {
    if (!RELEASE_VERSION.test(versionHint)) throw new FeedFormatError(FEED, `version hint ${JSON.stringify(versionHint)} is not a release number like 18.1`);
    return versionHint;
  }
  return `modified-${dataDate ?? 'unknown'}`;
}

function isObject(v: unknown): v is StixObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
