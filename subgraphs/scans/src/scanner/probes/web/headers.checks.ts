import type { CheckDefinition } from '../../check.js';

const base = { category: 'headers', mode: 'PASSIVE', profile: 'LIGHT' } as const;
const HEADERS_EVIDENCE = "The page's URL, status and response headers (cookie values redacted)";

/** HTTPS page without Strict-Transport-Security (or with max-age 0). Id published by the foundation. */
export const HSTS_MISSING: CheckDefinition = {
  ...base,
  id: 'headers.hsts-missing',
  title: 'Missing HTTP Strict-Transport-Security header',
  severity: 'MEDIUM',
  cweId: 'CWE-319',
  confidence: 'CONFIRMED',
  description:
    'Checks that the HTTPS page sends Strict-Transport-Security with a positive max-age, so browsers refuse plain HTTP to the site afterwards. ' +
    'Not judged for hosts reached by IP address, where browsers ignore HSTS.',
  evidence: HEADERS_EVIDENCE,
  remediation:
    'Send `Strict-Transport-Security: max-age=31536000; includeSubDomains` on every HTTPS response (nginx: ' +
    '`add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;`), add `preload` once every ' +
    'subdomain serves HTTPS, and redirect plain HTTP to HTTPS.',
};

export const HSTS_WEAK: CheckDefinition = {
  ...base,
  id: 'headers.hsts-weak',
  title: 'Strict-Transport-Security max-age shorter than six months',
  severity: 'LOW',
  cweId: 'CWE-319',
  confidence: 'CONFIRMED',
  description: 'Checks that the HSTS max-age is at least six months (15768000 seconds); a short one lapses between visits and leaves users open to TLS stripping again.',
  evidence: `${HEADERS_EVIDENCE}, and the max-age in seconds`,
  remediation: 'Raise the lifetime to a year: `Strict-Transport-Security: max-age=31536000; includeSubDomains` (the HSTS preload list requires at least 31536000).',
};

export const CSP_MISSING: CheckDefinition = {
  ...base,
  id: 'headers.csp-missing',
  title: 'Missing Content-Security-Policy header',
  severity: 'MEDIUM',
  cweId: 'CWE-693',
  confidence: 'CONFIRMED',
  description: 'Checks that an HTML page is served with an enforced Content-Security-Policy (header or <meta> tag); a Report-Only policy does not block anything.',
  evidence: HEADERS_EVIDENCE,
  remediation:
    "Define a policy that allows only what the page needs, e.g. `Content-Security-Policy: default-src 'self'; object-src 'none'; " +
    "base-uri 'self'; frame-ancestors 'self'`. Trial it with Content-Security-Policy-Report-Only, then enforce it.",
};

export const CSP_WEAK: CheckDefinition = {
  ...base,
  id: 'headers.csp-weak',
  title: 'Content-Security-Policy does not stop script injection',
  severity: 'MEDIUM',
  cweId: 'CWE-693',
  confidence: 'FIRM',
  description:
    "Reads the enforced policy as a browser does: script-src (or default-src) allowing 'unsafe-inline' without a nonce, hash or " +
    "'strict-dynamic', 'unsafe-eval', *, or the http:, https: or data: schemes, and plugin content not restricted by object-src or default-src.",
  evidence: `${HEADERS_EVIDENCE}, the enforced policies and the exact weaknesses found`,
  remediation:
    "Move to a nonce-based strict policy: `Content-Security-Policy: script-src 'nonce-{random per response}' 'strict-dynamic'; " +
    "object-src 'none'; base-uri 'none'` and add the nonce to each <script> tag. Replace inline event handlers and eval() " +
    "so 'unsafe-inline' and 'unsafe-eval' can go, and never allow *, http:, https: or data: for scripts.",
};

export const NOSNIFF_MISSING: CheckDefinition = {
  ...base,
  id: 'headers.x-content-type-options-missing',
  title: 'Missing X-Content-Type-Options: nosniff header',
  severity: 'LOW',
  cweId: 'CWE-693',
  confidence: 'CONFIRMED',
  description: 'Checks that the page is served with `X-Content-Type-Options: nosniff`, which stops browsers from MIME-sniffing a response into another type.',
  evidence: HEADERS_EVIDENCE,
  remediation: 'Send `X-Content-Type-Options: nosniff` on every response (nginx: `add_header X-Content-Type-Options nosniff always;`) and serve each resource with its correct Content-Type.',
};

export const CLICKJACKING: CheckDefinition = {
  ...base,
  id: 'headers.clickjacking-protection-missing',
  title: 'Missing clickjacking protection (X-Frame-Options or CSP frame-ancestors)',
  severity: 'MEDIUM',
  cweId: 'CWE-1021',
  confidence: 'FIRM',
  description: 'Checks that an HTML page forbids framing by other sites with CSP frame-ancestors (not * or a bare scheme) or X-Frame-Options DENY/SAMEORIGIN.',
  evidence: HEADERS_EVIDENCE,
  remediation:
    "Send `Content-Security-Policy: frame-ancestors 'self'` (or `'none'` if the site is never framed), " +
    'plus `X-Frame-Options: DENY` or `X-Frame-Options: SAMEORIGIN` for older browsers.',
};

export const REFERRER_MISSING: CheckDefinition = {
  ...base,
  id: 'headers.referrer-policy-missing',
  title: 'Missing Referrer-Policy header',
  severity: 'LOW',
  cweId: 'CWE-200',
  confidence: 'CONFIRMED',
  description: 'Checks that the page sets a Referrer-Policy (header or <meta name="referrer">) that browsers recognise.',
  evidence: HEADERS_EVIDENCE,
  remediation:
    'Send `Referrer-Policy: strict-origin-when-cross-origin` (or `no-referrer` for sensitive applications) ' +
    'so full URLs, which may carry tokens or identifiers, are not sent to other sites.',
};

export const REFERRER_WEAK: CheckDefinition = {
  ...base,
  id: 'headers.referrer-policy-weak',
  title: 'Referrer-Policy sends full URLs to other sites',
  severity: 'LOW',
  cweId: 'CWE-200',
  confidence: 'CONFIRMED',
  description: 'Checks that the effective Referrer-Policy is not `unsafe-url` or `no-referrer-when-downgrade`, which send the full URL (path and query) to every other site.',
  evidence: `${HEADERS_EVIDENCE}, and the effective policy`,
  remediation: 'Use `Referrer-Policy: strict-origin-when-cross-origin` (other sites see only the origin) or `no-referrer`.',
};

export const PERMISSIONS_MISSING: CheckDefinition = {
  ...base,
  id: 'headers.permissions-policy-missing',
  title: 'Missing Permissions-Policy header',
  severity: 'LOW',
  cweId: 'CWE-693',
  confidence: 'CONFIRMED',
  description: 'Checks that an HTML page sends Permissions-Policy (or the older Feature-Policy) to switch off powerful browser features it does not use, for itself and for frames it embeds.',
  evidence: HEADERS_EVIDENCE,
  remediation: 'Disable what the site does not use, e.g. `Permissions-Policy: camera=(), microphone=(), geolocation=(), payment=(), usb=()`.',
};

/** Every check of the headers probe, in the order findings are reported. */
export const HEADER_CHECKS: readonly CheckDefinition[] = [
  HSTS_MISSING,
  HSTS_WEAK,
  CSP_MISSING,
  CSP_WEAK,
  NOSNIFF_MISSING,
  CLICKJACKING,
  REFERRER_MISSING,
  REFERRER_WEAK,
  PERMISSIONS_MISSING,
];
