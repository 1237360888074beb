import { defineEntity, p } from '@mikro-orm/postgresql';

/** The feeds the store loads, by name. */
export const FEEDS = ['kev', 'epss', 'attack', 'd3fend', 'attack-d3fend', 'cwe'] as const;
export type FeedName = (typeof FEEDS)[number];

/** One loaded feed: what version and data date is in force, from where, and when it was loaded. */
export const IntelFeedSchema = defineEntity({
  name: 'IntelFeed',
  tableName: 'intel_feed',
  schema: 'findings',
  properties: {
    name: p.string().length(32).primary(),
    version: p.string().length(100),
    dataDate: p.string().length(32).nullable(),
    source: p.text(),
    sha256: p.string().length(64),
    recordCount: p.integer(),
    loadedAt: p.datetime().columnType('timestamptz'),
  },
});
export class IntelFeedEntity extends IntelFeedSchema.class {}
IntelFeedSchema.setClass(IntelFeedEntity);

/** CISA Known Exploited Vulnerabilities, one row per CVE. */
export const KevEntrySchema = defineEntity({
  name: 'KevEntry',
  tableName: 'intel_kev',
  schema: 'findings',
  properties: {
    cveId: p.string().length(32).primary(),
    vendorProject: p.text(),
    product: p.text(),
    vulnerabilityName: p.text(),
    dateAdded: p.string().length(10),
    dueDate: p.string().length(10).nullable(),
    ransomware: p.boolean(),
    shortDescription: p.text(),
    requiredAction: p.text(),
    cwes: p.array().columnType('text[]').defaultRaw(`'{}'`),
  },
});
export class KevEntryEntity extends KevEntrySchema.class {}
KevEntrySchema.setClass(KevEntryEntity);

/** FIRST EPSS: probability of exploitation in the next 30 days, and its percentile. */
export const EpssScoreSchema = defineEntity({
  name: 'EpssScore',
  tableName: 'intel_epss',
  schema: 'findings',
  properties: {
    cveId: p.string().length(32).primary(),
    epss: p.double(),
    percentile: p.double(),
  },
});
export class EpssScoreEntity extends EpssScoreSchema.class {}
EpssScoreSchema.setClass(EpssScoreEntity);

/** MITRE CWE weaknesses (view 1000). */
export const CweEntrySchema = defineEntity({
  name: 'CweEntry',
  tableName: 'intel_cwe',
  schema: 'findings',
  properties: {
    cweId: p.string().length(16).primary(),
    name: p.text(),
    abstraction: p.string().length(32),
    status: p.string().length(32),
    description: p.text(),
    parents: p.array().columnType('text[]').defaultRaw(`'{}'`),
  },
});
export class CweEntryEntity extends CweEntrySchema.class {}
CweEntrySchema.setClass(CweEntryEntity);

/** ATT&CK Enterprise tactics. */
export const AttackTacticSchema = defineEntity({
  name: 'AttackTactic',
  tableName: 'intel_attack_tactic',
  schema: 'findings',
  properties: {
    id: p.string().length(16).primary(),
    shortname: p.string().length(64),
    name: p.text(),
  },
});
export class AttackTacticEntity extends AttackTacticSchema.class {}
AttackTacticSchema.setClass(AttackTacticEntity);

/** ATT&CK Enterprise techniques and sub-techniques (neither revoked nor deprecated). */
export const AttackTechniqueSchema = defineEntity({
  name: 'AttackTechnique',
  tableName: 'intel_attack_technique',
  schema: 'findings',
  properties: {
    id: p.string().length(16).primary(),
    name: p.text(),
    tactics: p.array().columnType('text[]').defaultRaw(`'{}'`),
    isSubtechnique: p.boolean(),
    parentId: p.string().length(16).nullable(),
  },
});
export class AttackTechniqueEntity extends AttackTechniqueSchema.class {}
AttackTechniqueSchema.setClass(AttackTechniqueEntity);

/** D3FEND defensive techniques. */
export const D3fendTechniqueSchema = defineEntity({
  name: 'D3fendTechnique',
  tableName: 'intel_d3fend_technique',
  schema: 'findings',
  properties: {
    id: p.string().length(32).primary(),
    name: p.text(),
    tactic: p.string().length(64),
    definition: p.text(),
  },
});
export class D3fendTechniqueEntity extends D3fendTechniqueSchema.class {}
D3fendTechniqueSchema.setClass(D3fendTechniqueEntity);

/** ATT&CK technique → D3FEND countermeasure. */
export const AttackD3fendSchema = defineEntity({
  name: 'AttackD3fend',
  tableName: 'intel_attack_d3fend',
  schema: 'findings',
  properties: {
    attackId: p.string().length(16).primary(),
    d3fendId: p.string().length(32).primary(),
  },
});
export class AttackD3fendEntity extends AttackD3fendSchema.class {}
AttackD3fendSchema.setClass(AttackD3fendEntity);

export const INTEL_ENTITIES = [
  IntelFeedEntity,
  KevEntryEntity,
  EpssScoreEntity,
  CweEntryEntity,
  AttackTacticEntity,
  AttackTechniqueEntity,
  D3fendTechniqueEntity,
  AttackD3fendEntity,
];
