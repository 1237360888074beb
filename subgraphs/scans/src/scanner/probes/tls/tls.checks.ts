import type { CheckDefinition } from '../../check.js';

/** Fields every TLS check shares: passive (one visitor's handshakes) and part of the lightest profile. */
const TLS = { category: 'tls', mode: 'PASSIVE', profile: 'LIGHT' } as const;

const CERT_EVIDENCE =
  'The certificate the server presented: subject, issuer, subject alternative names, validity dates, key type and size, ' +
  'SHA-256 fingerprint, the chain as sent, the negotiated protocol and cipher, and the verification error OpenSSL reported.';

export const CERTIFICATE_EXPIRED = {
  ...TLS,
  id: 'tls.certificate-expired',
  title: 'TLS certificate has expired',
  severity: 'HIGH',
  cweId: 'CWE-324',
  confidence: 'CONFIRMED',
  description: "Checks that the current date is not past the server certificate's notAfter date.",
  evidence: CERT_EVIDENCE,
  remediation:
    'Renew the certificate and deploy the new one with its full chain, then reload the server. With an ACME CA: ' +
    '`certbot renew && systemctl reload nginx`, and keep the `certbot.timer` (or a cron job) enabled so renewal is automatic; ' +
    'nginx then serves `ssl_certificate /etc/letsencrypt/live/example.com/fullchain.pem;`.',
} as const satisfies CheckDefinition;

export const CERTIFICATE_NOT_YET_VALID = {
  ...TLS,
  id: 'tls.certificate-not-yet-valid',
  title: 'TLS certificate is not yet valid',
  severity: 'HIGH',
  cweId: 'CWE-295',
  confidence: 'CONFIRMED',
  description: "Checks that the server certificate's notBefore date has passed, so clients accept it today.",
  evidence: CERT_EVIDENCE,
  remediation:
    'Serve a certificate whose validity has already started: check the clock of the machine that issued it (run NTP, e.g. ' +
    '`timedatectl set-ntp true`), reissue the certificate with a notBefore in the past, and redeploy it with its chain.',
} as const satisfies CheckDefinition;

export const CERTIFICATE_SELF_SIGNED = {
  ...TLS,
  id: 'tls.certificate-self-signed',
  title: 'TLS certificate is self-signed',
  severity: 'HIGH',
  cweId: 'CWE-295',
  confidence: 'CONFIRMED',
  description:
    'Checks whether the server certificate is signed by its own key instead of a certificate authority that clients trust. ' +
    'Visitors get a warning they learn to click through, which makes a man-in-the-middle indistinguishable from the real site.',
  evidence: CERT_EVIDENCE,
  remediation:
    'Replace it with a certificate from a publicly trusted CA (free from an ACME CA: `certbot certonly --webroot -w /var/www/html -d example.com`) ' +
    'and point the server at the full chain (`ssl_certificate /etc/letsencrypt/live/example.com/fullchain.pem;`). For internal-only ' +
    'services, issue from an internal CA that every client trusts instead.',
} as const satisfies CheckDefinition;

export const CERTIFICATE_UNTRUSTED = {
  ...TLS,
  id: 'tls.certificate-untrusted',
  title: 'TLS certificate chain is not trusted',
  severity: 'HIGH',
  cweId: 'CWE-295',
  confidence: 'FIRM',
  description:
    'Checks that the certificate chain the server sends leads to a root CA in the standard trust store (plus any CA the operator ' +
    'configured). Fails for certificates from private or unknown CAs and for servers that omit an intermediate certificate.',
  evidence: CERT_EVIDENCE,
  remediation:
    'Serve a certificate from a publicly trusted CA together with every intermediate certificate, leaf first: in nginx ' +
    '`ssl_certificate /etc/ssl/example.com/fullchain.pem;` (leaf then intermediates), in Apache `SSLCertificateFile` with the same ' +
    'full-chain file. Verify with `openssl s_client -connect example.com:443 -servername example.com -verify_return_error`.',
} as const satisfies CheckDefinition;

export const CERTIFICATE_NAME_MISMATCH = {
  ...TLS,
  id: 'tls.certificate-name-mismatch',
  title: 'TLS certificate does not match the host name',
  severity: 'HIGH',
  cweId: 'CWE-297',
  confidence: 'CONFIRMED',
  description:
    "Checks that the host name (or IP address) clients connect to is listed in the certificate's subject alternative names, " +
    'the way browsers match it.',
  evidence: CERT_EVIDENCE,
  remediation:
    'Issue a certificate that lists every name the service is reached by as a subject alternative name (e.g. ' +
    '`certbot certonly -d example.com -d www.example.com`), or serve the right certificate for this name with SNI ' +
    '(a separate nginx `server { server_name www.example.com; ssl_certificate ...; }` block).',
} as const satisfies CheckDefinition;

export const CERTIFICATE_EXPIRING_SOON = {
  ...TLS,
  id: 'tls.certificate-expiring-soon',
  title: 'TLS certificate expires within 30 days',
  severity: 'MEDIUM',
  cweId: 'CWE-324',
  confidence: 'CONFIRMED',
  description: 'Checks that the server certificate stays valid for at least 30 more days, so a failed renewal is caught before clients see errors.',
  evidence: CERT_EVIDENCE,
  remediation:
    'Renew now and automate renewal well before expiry: ACME clients renew 30 days ahead (`certbot renew` from `certbot.timer`, ' +
    'or cert-manager with `renewBefore: 720h`). Make sure the server reloads after renewal (a `--deploy-hook "systemctl reload nginx"`).',
} as const satisfies CheckDefinition;

export const WEAK_KEY = {
  ...TLS,
  id: 'tls.weak-key',
  title: 'TLS certificate uses a weak key',
  severity: 'MEDIUM',
  cweId: 'CWE-326',
  confidence: 'CONFIRMED',
  description: "Checks the size of the certificate's public key: RSA (and DSA) keys under 2048 bits and elliptic-curve keys under 256 bits are too weak.",
  evidence: CERT_EVIDENCE,
  remediation:
    'Generate a new key of adequate strength and reissue the certificate: `openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 ' +
    '-nodes -keyout example.key -out example.csr` (or `-newkey rsa:3072`), or `certbot --key-type ecdsa`. Revoke the old certificate.',
} as const satisfies CheckDefinition;

export const LEGACY_PROTOCOL = {
  ...TLS,
  id: 'tls.legacy-protocol',
  title: 'Server accepts TLS 1.0 or TLS 1.1',
  severity: 'MEDIUM',
  cweId: 'CWE-327',
  confidence: 'CONFIRMED',
  description:
    'Tries handshakes restricted to TLS 1.0 and to TLS 1.1, deprecated by RFC 8996 (weak MAC and key-derivation constructions, ' +
    'exposure to BEAST-style attacks); both must be refused.',
  evidence: 'Each legacy protocol version the server completed a handshake with, and the cipher it chose for it.',
  remediation:
    'Allow only TLS 1.2 and TLS 1.3: nginx `ssl_protocols TLSv1.2 TLSv1.3;`, Apache `SSLProtocol -all +TLSv1.2 +TLSv1.3`, ' +
    "Node.js `https.createServer({ minVersion: 'TLSv1.2', ... })`, or the load balancer's TLS 1.2+ security policy.",
} as const satisfies CheckDefinition;

/** Every check the TLS probe reports, in the order it judges them. */
export const TLS_CHECKS: readonly CheckDefinition[] = [
  CERTIFICATE_EXPIRED,
  CERTIFICATE_NOT_YET_VALID,
  CERTIFICATE_SELF_SIGNED,
  CERTIFICATE_UNTRUSTED,
  CERTIFICATE_NAME_MISMATCH,
  CERTIFICATE_EXPIRING_SOON,
  WEAK_KEY,
  LEGACY_PROTOCOL,
];
