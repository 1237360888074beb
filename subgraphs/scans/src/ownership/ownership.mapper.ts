import { ClientRefType } from '../scan/scan.type.js';
import { dnsRecordName, dnsRecordValue, type DomainVerifier } from './domain-verifier.js';
import type { ScanAuthorisationEntity } from './scan-authorisation.entity.js';
import type { TargetAttestationEntity } from './target-attestation.entity.js';
import type { TargetDomainEntity } from './target-domain.entity.js';
import {
  DomainVerificationInstructionsType,
  OwnershipProofType,
  ScanAuthorisationType,
  TargetAttestationType,
  TargetDomainType,
  type AuthorisationSourceEnum,
  type OwnershipEvidenceEnum,
  type VerificationMethodEnum,
} from './ownership.type.js';

const clientRef = (id: string): ClientRefType => Object.assign(new ClientRefType(), { id });

export function toTargetDomainType(row: TargetDomainEntity, verifier: DomainVerifier, now = new Date()): TargetDomainType {
  const verified = Boolean(row.verifiedAt && row.method && row.expiresAt && row.expiresAt > now);
  return Object.assign(new TargetDomainType(), {
    id: row.id,
    domain: row.domain,
    client: clientRef(row.clientId),
    verified,
    method: (row.method ?? null) as VerificationMethodEnum | null,
    verifiedAt: row.verifiedAt ?? null,
    expiresAt: row.expiresAt ?? null,
    lastCheckedAt: row.lastCheckedAt ?? null,
    lastError: row.lastError ?? null,
    coversSubdomains: verified && row.method === 'DNS',
    token: row.token,
    instructions: Object.assign(new DomainVerificationInstructionsType(), {
      dnsRecordName: dnsRecordName(row.domain),
      dnsRecordType: 'TXT',
      dnsRecordValue: dnsRecordValue(row.token),
      httpUrls: verifier.fileUrls(row.domain),
      httpFileContent: `${row.token}\n`,
    }),
    createdAt: row.createdAt,
  });
}

export function toTargetAttestationType(row: TargetAttestationEntity): TargetAttestationType {
  return Object.assign(new TargetAttestationType(), {
    id: row.id,
    target: row.target,
    client: clientRef(row.clientId),
    statement: row.statement,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    sourceIp: row.sourceIp ?? null,
    userAgent: row.userAgent ?? null,
    revokedAt: row.revokedAt ?? null,
  });
}

export function toScanAuthorisationType(row: ScanAuthorisationEntity): ScanAuthorisationType {
  return Object.assign(new ScanAuthorisationType(), {
    authorised: row.authorised,
    authorisedBy: row.authorisedBy ?? null,
    statement: row.statement,
    source: row.source as AuthorisationSourceEnum,
    sourceId: row.sourceId ?? null,
    target: row.target,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    sourceIp: row.sourceIp ?? null,
    userAgent: row.userAgent ?? null,
    proof: Object.assign(new OwnershipProofType(), {
      kind: row.evidenceKind as OwnershipEvidenceEnum,
      domainId: row.domainId ?? null,
      domain: row.domain ?? null,
      method: (row.verificationMethod ?? null) as VerificationMethodEnum | null,
      verifiedAt: row.verifiedAt ?? null,
      attestationId: row.attestationId ?? null,
      attestedTarget: row.attestedTarget ?? null,
    }),
  });
}
