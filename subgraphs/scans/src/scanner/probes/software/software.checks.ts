import type { CheckDefinition } from '../../check.js';

const base = { category: 'software', mode: 'PASSIVE', profile: 'LIGHT' } as const;

/** A banner header or generator tag names a product with its exact version. */
export const VERSION_DISCLOSURE: CheckDefinition = {
  ...base,
  id: 'software.version-disclosure',
  title: 'Software version disclosed',
  severity: 'LOW',
  cweId: 'CWE-200',
  confidence: 'CONFIRMED',
  description:
    'Reads the Server, X-Powered-By, X-AspNet-Version, X-AspNetMvc-Version and X-Generator response headers and the ' +
    '<meta name="generator"> tags of the page for product names given with a version (at least major.minor). ' +
    'An exact version lets an attacker look up which published vulnerabilities apply without probing.',
  evidence: 'The page URL, the header (or meta generator) as sent, and the products and versions read from it.',
  remediation:
    'Stop advertising versions. nginx: `server_tokens off;`. Apache httpd: `ServerTokens Prod` and `ServerSignature Off`. ' +
    'PHP: `expose_php = Off` in php.ini. IIS/ASP.NET: `<httpRuntime enableVersionHeader="false" />`, ' +
    '`MvcHandler.DisableMvcResponseHeader = true;` and `<requestFiltering removeServerHeader="true" />` (IIS 10) or a ' +
    'URL Rewrite outbound rule for older IIS. Express: `app.disable(\'x-powered-by\')` or helmet. WordPress: ' +
    "`remove_action('wp_head', 'wp_generator');`. Hiding versions is no substitute for patching: update the software too.",
};

/** The disclosed version lies in a range the fingerprint table lists as vulnerable. */
export const KNOWN_VULNERABLE: CheckDefinition = {
  ...base,
  id: 'software.known-vulnerable',
  title: 'Software version with known vulnerabilities',
  severity: 'HIGH',
  cweId: 'CWE-1395',
  confidence: 'FIRM',
  description:
    'Matches the product versions the host discloses (banner headers, generator tags, jQuery script URLs and banners) ' +
    'against a table of affected version ranges taken from vendor advisories and CVE records (nginx, Apache httpd, PHP, ' +
    'OpenSSL, IIS, lighttpd, WordPress, Drupal, Joomla, jQuery, Express). The finding takes the severity of the worst ' +
    'matching entry. Banners of distribution builds (e.g. "Apache/2.4.41 (Ubuntu)", "PHP/7.4.3-4ubuntu2.19"), whose ' +
    'packages backport fixes without changing the upstream version, are not matched; a version given only in part ' +
    '("Drupal 7") matches only when every release it could be is affected.',
  evidence:
    'The product and version, where each was read, and for each matching entry its CVE ids, the affected range, the ' +
    'condition it needs (if any) and the vendor advisory or NVD page.',
  remediation:
    'Upgrade the product to a release outside every listed range (the latest release of a maintained branch), e.g. ' +
    '`apt-get install --only-upgrade nginx` or the vendor\'s package, then restart it. Where a condition is given ' +
    '(a module or feature), disabling that feature mitigates the issue until the upgrade. Stop disclosing versions as well.',
};

export const SOFTWARE_CHECKS: readonly CheckDefinition[] = [VERSION_DISCLOSURE, KNOWN_VULNERABLE];
