import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { labCa, labCertificate, type LabCertKind } from '../../../../../../test/lab/certs.js';
import { judgeCertificate, keyStrength, weakKeyReason } from './certificate-judge.js';
import { chainReachesAnchor, isSelfSigned, parsePemBundle, trustAnchors } from './trust-anchors.js';

const NAMES = ['lab.test', '127.0.0.12'];
const DAY_MS = 86_400_000;

/** The fields of a peer certificate that tls.checkServerIdentity reads. */
function peerOf(cert: X509Certificate): tls.PeerCertificate {
  const cn = /CN=([^\n]+)/.exec(cert.subject)?.[1];
  return { subject: { CN: cn }, subjectaltname: cert.subjectAltName } as unknown as tls.PeerCertificate;
}

async function judge(kind: LabCertKind, opts: { anchors?: X509Certificate[]; sendCa?: boolean; now?: Date; hostname?: string } = {}): Promise<string[]> {
  const { cert, ca } = await labCertificate(kind, NAMES);
  const leaf = new X509Certificate(cert);
  const chain = opts.sendCa ? [leaf, new X509Certificate(ca)] : [leaf];
  return judgeCertificate({
    chain,
    peer: peerOf(leaf),
    hostname: opts.hostname ?? 'lab.test',
    where: 'lab.test:443',
    authorized: false,
    anchors: () => opts.anchors ?? [new X509Certificate(ca)],
    ...(opts.now ? { now: opts.now } : {}),
  })
    .map((issue) => issue.checkId)
    .sort();
}

describe('certificate trust', () => {
  it('trusts a leaf signed by an anchor whether or not the server sends the CA too', async () => {
    const ca = new X509Certificate((await labCa()).cert);
    const leaf = new X509Certificate((await labCertificate('valid', NAMES)).cert);
    expect(chainReachesAnchor([leaf], [ca])).toBe(true);
    expect(chainReachesAnchor([leaf, ca], [ca])).toBe(true);
    expect(chainReachesAnchor([leaf, ca], [])).toBe(false);
    expect(chainReachesAnchor([leaf], trustAnchors())).toBe(false);
    expect(chainReachesAnchor([leaf], trustAnchors((await labCa()).cert))).toBe(true);
  });

  it('does not trust a chain whose links do not sign each other', async () => {
    const ca = new X509Certificate((await labCa()).cert);
    const leaf = new X509Certificate((await labCertificate('valid', NAMES)).cert);
    const stranger = new X509Certificate((await labCertificate('expired-self-signed', ['other.test'])).cert);
    // The stranger is self-signed and anchored, but it did not sign the leaf.
    expect(chainReachesAnchor([leaf, stranger], [stranger])).toBe(false);
    expect(chainReachesAnchor([leaf, ca], [stranger])).toBe(false);
  });

  it('tells a self-signed certificate from a CA-issued one', async () => {
    expect(isSelfSigned(new X509Certificate((await labCertificate('expired-self-signed', NAMES)).cert))).toBe(true);
    expect(isSelfSigned(new X509Certificate((await labCertificate('valid', NAMES)).cert))).toBe(false);
  });

  it('reads every certificate of a PEM bundle and skips junk', async () => {
    const bundle = `${(await labCa()).cert}\n-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n${(await labCertificate('valid', NAMES)).cert}`;
    expect(parsePemBundle(bundle)).toHaveLength(2);
  });
});

describe('judgeCertificate', () => {
  it('finds nothing wrong with a valid certificate from a trusted CA', async () => {
    expect(await judge('valid')).toEqual([]);
    expect(await judge('valid', { hostname: '127.0.0.12' })).toEqual([]);
  });

  it('reports untrusted (not self-signed) for a CA-issued certificate when the CA is not an anchor', async () => {
    expect(await judge('valid', { anchors: [], sendCa: true })).toEqual(['tls.certificate-untrusted']);
  });

  it('reports a name mismatch for a name or an IP the certificate does not list', async () => {
    expect(await judge('valid', { hostname: 'www.lab.test' })).toEqual(['tls.certificate-name-mismatch']);
    expect(await judge('valid', { hostname: '127.0.0.13' })).toEqual(['tls.certificate-name-mismatch']);
  });

  it('reports expiring soon from 30 days before expiry, and only expired once past it', async () => {
    const validTo = new X509Certificate((await labCertificate('valid', NAMES)).cert).validToDate.getTime();
    expect(await judge('valid', { now: new Date(validTo - 31 * DAY_MS) })).toEqual([]);
    expect(await judge('valid', { now: new Date(validTo - 29 * DAY_MS) })).toEqual(['tls.certificate-expiring-soon']);
    expect(await judge('valid', { now: new Date(validTo + 1000) })).toEqual(['tls.certificate-expired']);
  });

  it('reports a self-signed certificate as self-signed unless the operator trusts it itself', async () => {
    const self = new X509Certificate((await labCertificate('expired-self-signed', NAMES)).cert);
    expect(await judge('expired-self-signed')).toEqual(['tls.certificate-expired', 'tls.certificate-self-signed']);
    expect(await judge('expired-self-signed', { anchors: [self] })).toEqual(['tls.certificate-expired']);
  });
});

describe('key strength', () => {
  it('measures RSA by modulus and EC by curve', async () => {
    expect(keyStrength(new X509Certificate((await labCertificate('weak-rsa', NAMES)).cert))).toEqual({ type: 'rsa', bits: 1024 });
    expect(keyStrength(new X509Certificate((await labCertificate('valid', NAMES)).cert))).toEqual({ type: 'ec', bits: 256, curve: 'prime256v1' });
  });

  it('calls RSA under 2048 and EC under 256 bits weak, and nothing stronger', () => {
    expect(weakKeyReason({ type: 'rsa', bits: 1024 })).toContain('1024-bit RSA');
    expect(weakKeyReason({ type: 'rsa', bits: 2048 })).toBeNull();
    expect(weakKeyReason({ type: 'ec', bits: 224, curve: 'secp224r1' })).toContain('secp224r1');
    expect(weakKeyReason({ type: 'ec', bits: 384, curve: 'secp384r1' })).toBeNull();
    expect(weakKeyReason({ type: 'ed25519', bits: 256 })).toBeNull();
  });

  it('reads the size of named curves it has no table entry for', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    expect(keyStrength({ publicKey } as unknown as X509Certificate)).toEqual({ type: 'ec', bits: 384, curve: 'secp384r1' });
  });
});
