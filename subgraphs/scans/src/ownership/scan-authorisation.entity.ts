import { defineEntity, p } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';
import { VERIFICATION_METHODS } from './target-domain.entity.js';

const APPEND_ONLY = "raise exception 'scan_authorisation is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';";

/** Where an active scan's authorisation came from: the request itself, or a schedule's standing one. */
export const AUTHORISATION_SOURCES = ['REQUEST', 'SCHEDULE'] as const;
export type AuthorisationSource = (typeof AUTHORISATION_SOURCES)[number];
/** What proved the target is the client's: a verified domain or an attested IP/CIDR. */
export const EVIDENCE_KINDS = ['DOMAIN', 'ATTESTATION'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/**
 * The legal record of one active scan: who authorised it, who asked for it, when, from where, the
 * statement they accepted and the ownership proof it relied on (copied, so a later change of the
 * domain or attestation does not rewrite history). Append-only: the database refuses UPDATE and
 * DELETE for every role and code path.
 */
export const ScanAuthorisationSchema = defineEntity({
  name: 'ScanAuthorisation',
  tableName: 'scan_authorisation',
  schema: 'scans',
  uniques: [{ name: 'scan_authorisation_scan_unique', properties: ['scanId'] }],
  indexes: [{ name: 'scan_authorisation_client_idx', properties: ['clientId', 'createdAt'] }],
  // The TRUNCATE trigger lives in the migration only: schema introspection does not list TRUNCATE
  // triggers, so declaring it here would make every schema diff want to create it again.
  triggers: [{ name: 'scan_authorisation_append_only', timing: 'before', events: ['update', 'delete'], forEach: 'row', body: APPEND_ONLY }],
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    scanId: p.uuid(),
    accountId: p.uuid(),
    clientId: p.uuid(),
    target: p.string().length(2100),
    targetType: p.string().length(16),
    authorised: p.boolean(),
    /** Who the caller says authorised the scan (Fix First's `authorised_by`). */
    authorisedBy: p.string().length(200).nullable(),
    /** The statement accepted, verbatim (the default text when the caller gave none). */
    statement: p.text(),
    source: p.enum([...AUTHORISATION_SOURCES]),
    /** The schedule's id when source is SCHEDULE. */
    sourceId: p.string().length(64).nullable(),
    /** Credential that created the scan. */
    createdBy: p.string().length(64),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
    sourceIp: p.string().length(64).nullable(),
    userAgent: p.string().length(512).nullable(),
    evidenceKind: p.enum([...EVIDENCE_KINDS]),
    domainId: p.uuid().nullable(),
    domain: p.string().length(253).nullable(),
    verificationMethod: p.enum([...VERIFICATION_METHODS]).nullable(),
    verifiedAt: p.datetime().columnType('timestamptz').nullable(),
    attestationId: p.uuid().nullable(),
    attestedTarget: p.string().length(64).nullable(),
  },
});
export class ScanAuthorisationEntity extends ScanAuthorisationSchema.class {}
ScanAuthorisationSchema.setClass(ScanAuthorisationEntity);
