import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle; blocks that do not parse are skipped (an operator's file may hold junk). */
export function parsePemBundle(pem: string): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const block of pem.match(PEM_CERTIFICATE) ?? []) {
    try {
      out.push(new X509Certificate(block));
    } catch {
      // Not a certificate OpenSSL can read: it cannot anchor anything either.
    }
  }
  return out;
}

/**
 * Node's default store as PEM: the bundled Mozilla roots plus NODE_EXTRA_CA_CERTS (and the system
 * store under --use-system-ca). getCACertificates appeared in Node 22.15; older Nodes get the roots.
 */
export function defaultCaPems(): readonly string[] {
  return typeof tls.getCACertificates === 'function' ? tls.getCACertificates('default') : tls.rootCertificates;
}

let defaultAnchors: X509Certificate[] | null = null;

/** The trust anchors a scan verifies against: Node's default store plus the operator's extra CA PEM. */
export function trustAnchors(extraCa?: string): X509Certificate[] {
  // Parsing ~150 roots takes milliseconds; do it once per process and only when a chain needs it.
  defaultAnchors ??= defaultCaPems().flatMap((pem) => parsePemBundle(pem));
  return extraCa ? [...defaultAnchors, ...parsePemBundle(extraCa)] : defaultAnchors;
}

/** True if `issuer` is a CA certificate that issued and signed `cert`. */
export function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return issuer.ca && cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/**
 * Whether the chain the server sent (leaf first) leads to a trust anchor, ignoring validity dates:
 * an expired certificate from a trusted CA is reported as expired, not as untrusted. Each link must
 * be signed by the next certificate until one is an anchor or is signed by one.
 */
export function chainReachesAnchor(chain: readonly X509Certificate[], anchors: readonly X509Certificate[]): boolean {
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i]!;
    if (anchors.some((anchor) => anchor.fingerprint256 === cert.fingerprint256)) return true;
    if (anchors.some((anchor) => issuedBy(cert, anchor))) return true;
    const next = chain[i + 1];
    if (next === undefined || !issuedBy(cert, next)) return false;
  }
  return false;
}

/** True if the certificate names itself as issuer and its own key verifies its signature. */
export function isSelfSigned(cert: X509Certificate): boolean {
  try {
    return cert.subject === cert.issuer && cert.verify(cert.publicKey);
  } catch {
    return false;
  }
}
