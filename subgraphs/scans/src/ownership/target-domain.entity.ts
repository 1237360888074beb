import { defineEntity, p } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';

export const VERIFICATION_METHODS = ['DNS', 'HTTP'] as const;
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number];

/**
 * A domain a client claims, with the random token that proves it once published (DNS TXT record or
 * HTTP well-known file) and the state of its latest proof. One row per (client, domain): a token
 * belongs to one client and one domain only.
 */
export const TargetDomainSchema = defineEntity({
  name: 'TargetDomain',
  tableName: 'target_domain',
  schema: 'scans',
  uniques: [{ name: 'target_domain_client_domain_unique', properties: ['clientId', 'domain'] }],
  indexes: [{ name: 'target_domain_account_created_idx', properties: ['accountId', 'createdAt', 'id'] }],
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    accountId: p.uuid(),
    clientId: p.uuid(),
    /** Canonical (lower-case, punycode) name. */
    domain: p.string().length(253),
    /** Random, shown to the client; it is published, so it is no secret, but it is unguessable. */
    token: p.string().length(64),
    /** Credential that added the domain. */
    createdBy: p.string().length(64),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
    /** How the latest successful check proved control; null while unverified. */
    method: p.enum([...VERIFICATION_METHODS]).nullable(),
    /** When control was last proven (a check or an automatic re-check before an active scan). */
    verifiedAt: p.datetime().columnType('timestamptz').nullable(),
    /** The proof is not relied on after this: VERIFY_VALID_DAYS after verifiedAt. */
    expiresAt: p.datetime().columnType('timestamptz').nullable(),
    /** When a check last ran, successful or not. */
    lastCheckedAt: p.datetime().columnType('timestamptz').nullable(),
    /** Why the latest check failed; null after a success. */
    lastError: p.text().nullable(),
  },
});
export class TargetDomainEntity extends TargetDomainSchema.class {}
TargetDomainSchema.setClass(TargetDomainEntity);
