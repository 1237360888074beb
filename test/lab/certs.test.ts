import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WRONG_LAB_NAME, labCa, labCertificate } from './certs.js';

const DAY_MS = 86_400_000;
const NAMES = ['lab.test', '127.0.0.12'];

describe('lab certificates', () => {
  it('creates a CA that can sign certificates', async () => {
    const ca = new X509Certificate((await labCa()).cert);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toContain('CN=fixfirst test CA');
    expect(ca.verify(ca.publicKey)).toBe(true);
  });

  it('issues a currently valid EC P-256 certificate for the given names from the test CA', async () => {
    const { key, cert, ca } = await labCertificate('valid', NAMES);
    const x509 = new X509Certificate(cert);
    const caCert = new X509Certificate(ca);
    expect(x509.checkIssued(caCert)).toBe(true);
    expect(x509.verify(caCert.publicKey)).toBe(true);
    expect(x509.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(x509.subjectAltName).toBe('DNS:lab.test, IP Address:127.0.0.12');
    expect(x509.checkHost('lab.test')).toBe('lab.test');
    expect(x509.checkIP('127.0.0.12')).toBe('127.0.0.12');
    expect(x509.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(new Date(x509.validFrom).getTime()).toBeLessThan(Date.now());
    expect(new Date(x509.validTo).getTime()).toBeGreaterThan(Date.now() + 300 * DAY_MS);
  });

  it('issues an expired self-signed certificate', async () => {
    const x509 = new X509Certificate((await labCertificate('expired-self-signed', NAMES)).cert);
    expect(x509.issuer).toBe(x509.subject);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(new Date(x509.validTo).getTime()).toBeLessThan(Date.now());
  });

  it('issues a certificate for another name, a future one, one about to expire and a weak RSA one', async () => {
    const caCert = new X509Certificate((await labCa()).cert);
    const [wrong, future, soon, weak] = await Promise.all(
      (['wrong-name', 'not-yet-valid', 'expiring-soon', 'weak-rsa'] as const).map(async (kind) => new X509Certificate((await labCertificate(kind, NAMES)).cert)),
    );
    for (const x509 of [wrong!, future!, soon!, weak!]) expect(x509.verify(caCert.publicKey)).toBe(true);
    expect(wrong!.subjectAltName).toBe(`DNS:${WRONG_LAB_NAME}`);
    expect(wrong!.checkHost('lab.test')).toBeUndefined();
    expect(new Date(future!.validFrom).getTime()).toBeGreaterThan(Date.now());
    const daysLeft = (new Date(soon!.validTo).getTime() - Date.now()) / DAY_MS;
    expect(daysLeft).toBeGreaterThan(9);
    expect(daysLeft).toBeLessThan(11);
    expect(weak!.publicKey.asymmetricKeyType).toBe('rsa');
    expect(weak!.publicKey.asymmetricKeyDetails?.modulusLength).toBe(1024);
  });

  it('returns the same certificate for the same kind and names', async () => {
    const first = await labCertificate('valid', NAMES);
    expect(await labCertificate('valid', NAMES)).toBe(first);
    expect((await labCertificate('valid', ['other.test'])).cert).not.toBe(first.cert);
  });
});
