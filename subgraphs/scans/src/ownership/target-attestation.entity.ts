import { defineEntity, p } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';

/**
 * A caller's statement that an IP or CIDR is theirs (or that they may test it): addresses cannot be
 * proven by a DNS record, so the statement itself is recorded with who, when and from where.
 * Revoking keeps the row (authorisation records point at it) and stops it covering new scans.
 */
export const TargetAttestationSchema = defineEntity({
  name: 'TargetAttestation',
  tableName: 'target_attestation',
  schema: 'scans',
  indexes: [
    { name: 'target_attestation_account_created_idx', properties: ['accountId', 'createdAt', 'id'] },
    { name: 'target_attestation_client_idx', properties: ['clientId'] },
  ],
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    accountId: p.uuid(),
    clientId: p.uuid(),
    /** Canonical CIDR; a single address is stored as /32 or /128. */
    target: p.string().length(64),
    statement: p.text(),
    createdBy: p.string().length(64),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
    sourceIp: p.string().length(64).nullable(),
    userAgent: p.string().length(512).nullable(),
    revokedAt: p.datetime().columnType('timestamptz').nullable(),
    revokedBy: p.string().length(64).nullable(),
  },
});
export class TargetAttestationEntity extends TargetAttestationSchema.class {}
TargetAttestationSchema.setClass(TargetAttestationEntity);
