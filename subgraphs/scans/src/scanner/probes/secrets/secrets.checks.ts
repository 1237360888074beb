import type { CheckDefinition } from '../../check.js';

const base = { category: 'secrets', mode: 'PASSIVE', profile: 'STANDARD', cweId: 'CWE-798', confidence: 'FIRM' } as const;

const KINDS =
  'AWS access keys (AKIA/ASIA key ids, CRITICAL when a 40-character secret access key sits next to the id, MEDIUM for ' +
  'the id alone), Stripe live secret and restricted keys (test-mode keys LOW), GitHub tokens (ghp_, gho_, ghu_, ghs_, ' +
  'ghr_, github_pat_), Slack tokens (xoxb-, xoxp-, xoxa-, xoxr-, xoxs-) and incoming webhook URLs, Google API keys, ' +
  'PEM private keys, and Supabase JWTs whose payload decodes to role "service_role" (anon keys are public by design ' +
  'and not reported). Placeholders and documentation samples (AKIAIOSFODNN7EXAMPLE, xxxx, repeated characters) are ignored.';

const EVIDENCE =
  'The URL, line and column where the secret was found (and, for a source map, the original source file), the kind ' +
  'of secret and a redacted value showing only its first and last characters. The full value is never stored.';

const REMEDIATION =
  'Treat the secret as compromised: revoke or rotate it now (AWS: deactivate the key in IAM and create a new one; ' +
  'Stripe: roll the key in the Dashboard; GitHub: revoke the token; Slack: regenerate the token or webhook; Supabase: ' +
  'rotate the JWT secret), and review the provider\'s logs for use since it was published. Then keep secrets on the ' +
  'server: call the provider from a backend endpoint, read keys from server-side environment variables, ship only ' +
  'publishable keys (pk_live_, the Supabase anon key) to browsers, restrict Google API keys by HTTP referrer and API, ' +
  'and add a secret scanner (gitleaks, trufflehog) to CI so a build that embeds a secret fails.';

/** Secrets written into the HTML of the page or its inline scripts. */
export const SECRET_PATTERNS: CheckDefinition = {
  ...base,
  id: 'secrets.patterns',
  title: 'Secret exposed in the page HTML',
  severity: 'HIGH',
  description: `Searches the HTML of the page (inline scripts, attributes and comments included) and of linked same-origin pages for credentials: ${KINDS}`,
  evidence: EVIDENCE,
  remediation: REMEDIATION,
};

/** Secrets in the same-origin scripts, stylesheets and source maps any visitor downloads. */
export const SECRET_BUNDLE_SWEEP: CheckDefinition = {
  ...base,
  id: 'secrets.js-bundle-sweep',
  title: 'Secret exposed in a script, stylesheet or source map',
  severity: 'HIGH',
  description:
    'Searches the same-origin scripts and stylesheets the page loads, and the original sources embedded in their source ' +
    `maps (sourcesContent of fetched maps and of data: maps), for credentials: ${KINDS} Build tools inline environment ` +
    'variables into bundles, so a server-side key referenced from front-end code ends up public.',
  evidence: EVIDENCE,
  remediation: `${REMEDIATION} Stop publishing source maps to production (webpack: \`devtool: false\` or 'hidden-source-map'; Vite: \`build.sourcemap: false\`) or serve them only to your error tracker.`,
};

export const SECRET_CHECKS: readonly CheckDefinition[] = [SECRET_PATTERNS, SECRET_BUNDLE_SWEEP];
