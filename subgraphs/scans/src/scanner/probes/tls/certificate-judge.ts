import type { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import {
  CERTIFICATE_EXPIRED,
  CERTIFICATE_EXPIRING_SOON,
  CERTIFICATE_NAME_MISMATCH,
  CERTIFICATE_NOT_YET_VALID,
  CERTIFICATE_SELF_SIGNED,
  CERTIFICATE_UNTRUSTED,
  WEAK_KEY,
} from './tls.checks.js';
import { chainReachesAnchor, isSelfSigned } from './trust-anchors.js';

const DAY_MS = 86_400_000;
/** Certificates expiring within this window are reported so a failed renewal is caught in time. */
export const EXPIRING_SOON_DAYS = 30;

/** One problem with the presented certificate, with the sentence that explains it for this host. */
export interface CertificateIssue {
  checkId: string;
  description: string;
}

/** The public key's algorithm and strength in bits (curve size for EC). */
export interface KeyStrength {
  type: string;
  bits: number | null;
  curve?: string;
}

/** The key type and size of a certificate's public key. */
export function keyStrength(cert: X509Certificate): KeyStrength {
  const key = cert.publicKey;
  const type = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'ec') {
    const curve = details.namedCurve ?? 'unknown';
    return { type, bits: CURVE_BITS[curve] ?? curveBitsFromName(curve), curve };
  }
  if (type === 'ed25519') return { type, bits: 256 };
  if (type === 'ed448') return { type, bits: 448 };
  return { type, bits: details.modulusLength ?? null };
}

const CURVE_BITS: Record<string, number> = { prime192v1: 192, prime256v1: 256 };

// OpenSSL names most curves by their size (secp384r1, brainpoolP512r1, sect283k1).
function curveBitsFromName(curve: string): number | null {
  const digits = /(\d{3})/.exec(curve)?.[1];
  return digits === undefined ? null : Number(digits);
}

/** Why a key is too weak, or null: RSA and DSA under 2048 bits, EC under 256. */
export function weakKeyReason(strength: KeyStrength): string | null {
  if (strength.bits === null) return null;
  if (['rsa', 'rsa-pss', 'dsa'].includes(strength.type) && strength.bits < 2048) {
    return `a ${strength.bits}-bit ${strength.type.toUpperCase()} key (at least 2048 bits are needed; 1024-bit RSA is within reach of well-funded attackers)`;
  }
  if (strength.type === 'ec' && strength.bits < 256) {
    return `a ${strength.bits}-bit elliptic-curve key on ${strength.curve} (at least 256 bits, e.g. P-256, are needed)`;
  }
  return null;
}

/** X509Certificate prints one RDN per line; evidence reads better on one. */
export function oneLineName(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

function days(ms: number): string {
  const n = Math.max(1, Math.round(Math.abs(ms) / DAY_MS));
  return `${n} day${n === 1 ? '' : 's'}`;
}

/**
 * Judges the certificate a server presented to a client connecting to `hostname`. `authorized`
 * is OpenSSL's verdict against the same anchors; when it is false the chain is walked again
 * ignoring dates, so an expired certificate from a trusted CA is expired but not untrusted, and a
 * self-signed one is reported as self-signed rather than untrusted.
 */
export function judgeCertificate(input: {
  chain: readonly X509Certificate[];
  peer: tls.PeerCertificate;
  hostname: string;
  where: string;
  authorized: boolean;
  anchors: () => readonly X509Certificate[];
  now?: Date;
}): CertificateIssue[] {
  const leaf = input.chain[0];
  if (leaf === undefined) return [];
  const now = (input.now ?? new Date()).getTime();
  const validFrom = leaf.validFromDate.getTime();
  const validTo = leaf.validToDate.getTime();
  const issues: CertificateIssue[] = [];
  const expired = now > validTo;
  const notYetValid = now < validFrom;

  if (expired) {
    issues.push({
      checkId: CERTIFICATE_EXPIRED.id,
      description: `The certificate served on ${input.where} expired on ${leaf.validToDate.toISOString()} (${days(now - validTo)} ago). Browsers and API clients refuse the connection or show a full-page warning that trains users to click through.`,
    });
  }
  if (notYetValid) {
    issues.push({
      checkId: CERTIFICATE_NOT_YET_VALID.id,
      description: `The certificate served on ${input.where} only becomes valid on ${leaf.validFromDate.toISOString()} (in ${days(validFrom - now)}), so clients reject it today.`,
    });
  }
  const trusted = input.authorized || chainReachesAnchor(input.chain, input.anchors());
  if (!trusted) {
    if (isSelfSigned(leaf)) {
      issues.push({
        checkId: CERTIFICATE_SELF_SIGNED.id,
        description: `The certificate served on ${input.where} is self-signed (issuer and subject are both "${oneLineName(leaf.subject)}"), so no client can tell it apart from an attacker's certificate without pinning it.`,
      });
    } else {
      const top = input.chain[input.chain.length - 1]!;
      issues.push({
        checkId: CERTIFICATE_UNTRUSTED.id,
        description: `The certificate chain served on ${input.where} does not lead to a trusted root: the last certificate sent is "${oneLineName(top.subject)}", issued by "${oneLineName(top.issuer)}", which is not a trusted CA. Clients reject the connection (unknown CA, or a missing intermediate certificate).`,
      });
    }
  }
  const mismatch = tls.checkServerIdentity(input.hostname, input.peer);
  if (mismatch) {
    issues.push({
      checkId: CERTIFICATE_NAME_MISMATCH.id,
      description: `The certificate served on ${input.where} is not valid for "${input.hostname}" (it names ${leaf.subjectAltName ? `"${leaf.subjectAltName}"` : `only "${oneLineName(leaf.subject)}"`}), so clients reject it as possibly belonging to another site.`,
    });
  }
  if (!expired && validTo - now <= EXPIRING_SOON_DAYS * DAY_MS) {
    issues.push({
      checkId: CERTIFICATE_EXPIRING_SOON.id,
      description: `The certificate served on ${input.where} expires on ${leaf.validToDate.toISOString()}, in ${days(validTo - now)}. If it is not renewed and redeployed by then, every client will refuse the connection.`,
    });
  }
  const weak = weakKeyReason(keyStrength(leaf));
  if (weak) {
    issues.push({
      checkId: WEAK_KEY.id,
      description: `The certificate served on ${input.where} has ${weak}. An attacker who factors or breaks the key can impersonate the server and, without forward secrecy, decrypt recorded traffic.`,
    });
  }
  return issues;
}

/** What a finding shows about the certificate and the handshake that presented it. */
export function certificateEvidence(chain: readonly X509Certificate[]): Record<string, unknown> {
  const leaf = chain[0]!;
  const key = keyStrength(leaf);
  return {
    subject: oneLineName(leaf.subject),
    issuer: oneLineName(leaf.issuer),
    subjectAltNames: leaf.subjectAltName?.split(', ') ?? [],
    validFrom: leaf.validFromDate.toISOString(),
    validTo: leaf.validToDate.toISOString(),
    keyType: key.type,
    keyBits: key.bits,
    ...(key.curve ? { keyCurve: key.curve } : {}),
    fingerprintSha256: leaf.fingerprint256,
    serialNumber: leaf.serialNumber,
    chain: chain.map((cert) => ({ subject: oneLineName(cert.subject), issuer: oneLineName(cert.issuer) })),
  };
}
