import { defineEntity, p } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';

export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One thing a scan proved wrong on one target. Unique per (scan, fingerprint). */
export const FindingSchema = defineEntity({
  name: 'Finding',
  tableName: 'finding',
  schema: 'findings',
  uniques: [{ name: 'finding_scan_fingerprint_unique', properties: ['scanId', 'fingerprint'] }],
  indexes: [
    { name: 'finding_account_created_idx', properties: ['accountId', 'createdAt', 'id'] },
    { name: 'finding_client_created_idx', properties: ['clientId', 'createdAt', 'id'] },
    { name: 'finding_scan_created_idx', properties: ['scanId', 'createdAt', 'id'] },
    { name: 'finding_account_score_idx', properties: ['accountId', 'score', 'id'] },
    { name: 'finding_client_score_idx', properties: ['clientId', 'score', 'id'] },
  ],
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    accountId: p.uuid(),
    clientId: p.uuid(),
    scanId: p.uuid(),
    checkId: p.string().length(100),
    severity: p.enum([...SEVERITIES]),
    title: p.string().length(300),
    description: p.text(),
    evidence: p.json<Record<string, unknown>>(),
    remediation: p.text(),
    cweId: p.string().length(20).nullable(),
    /** What was tested: a URL or an address. */
    target: p.string().length(2100),
    /** The scanned host (name or address) the target belongs to. */
    host: p.string().length(300).nullable(),
    /** Where on the target: a header, a cookie name, `file.js:12`, `6379/tcp`. */
    location: p.string().length(500).nullable(),
    /** CVE ids the finding is about, for KEV and EPSS enrichment. */
    cveIds: p.array().columnType('text[]').defaultRaw(`'{}'`),
    /** How sure the check is: CONFIRMED, FIRM or TENTATIVE. */
    confidence: p.string().length(16).default('FIRM'),
    /** The fixfirst score as of the last write or feed update (for ordering; the API computes it fresh). */
    score: p.double().runtimeType('number').default(0),
    /** One of its CVEs was in KEV as of the last write or reported feed change (what a KEV change is measured from). */
    kevFlagged: p.boolean().default(false),
    /** Its highest EPSS as of the last write or reported feed change (null: none of its CVEs scored). */
    epss: p.double().runtimeType('number').nullable(),
    /** Stable identity of the problem: check id + target (+ location). */
    fingerprint: p.string().length(64),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
  },
});
export class FindingEntity extends FindingSchema.class {}
FindingSchema.setClass(FindingEntity);
