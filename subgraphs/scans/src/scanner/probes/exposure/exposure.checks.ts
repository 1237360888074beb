import type { CheckDefinition } from '../../check.js';

const common = { category: 'exposure', confidence: 'CONFIRMED', mode: 'ACTIVE', profile: 'STANDARD' } as const;

/**
 * Files and pages a web server should never hand out. Every finding needs content proof (a git
 * ref, archive magic bytes, SQL, a listing's markup), never a bare 200, so catch-all servers are safe.
 */
export const EXPOSURE_CHECKS = {
  gitRepository: {
    ...common,
    id: 'exposure.git-repository',
    title: 'Git repository exposed over HTTP',
    severity: 'HIGH',
    cweId: 'CWE-527',
    description:
      'Requests /.git/HEAD and, when it holds a git ref or commit id, /.git/config. A readable .git directory lets anyone download the ' +
      'repository: source code, history, and any credential ever committed.',
    evidence: 'The content of /.git/HEAD, whether /.git/config is readable, its section names and its remote URL with credentials redacted.',
    remediation:
      'Do not deploy the .git directory (build artefacts from `git archive` or a CI checkout without it), and deny dot-directories at the ' +
      'server: nginx `location ~ /\\.(?!well-known) { deny all; }`, Apache `RedirectMatch 404 /\\.git`. Rotate any secret the history contains.',
  },
  envFile: {
    ...common,
    id: 'exposure.env-file',
    title: 'Environment file (.env) exposed over HTTP',
    severity: 'HIGH',
    cweId: 'CWE-538',
    description:
      'Requests /.env and checks whether it answers with KEY=VALUE lines. Such files usually hold database passwords, API keys and ' +
      'signing secrets. Severity is CRITICAL when variable names look like secrets.',
    evidence: 'The names of the variables the file defines (never their values) and which of them look like secrets.',
    remediation:
      'Keep .env outside the web root (serve from a `public/` directory only), deny dot-files at the server (nginx ' +
      '`location ~ /\\.(?!well-known) { deny all; }`), and rotate every secret the file contained: it must be considered leaked.',
  },
  sourceMap: {
    ...common,
    id: 'exposure.source-map',
    title: 'JavaScript source map downloadable',
    severity: 'LOW',
    cweId: 'CWE-540',
    description:
      'For same-origin scripts of the page that do not reference a source map, requests `<script>.map` and checks for a source map ' +
      '(JSON with "mappings" and "sources"). It reveals the original source tree, and the full original code when it embeds sourcesContent (MEDIUM).',
    evidence: 'The script, the source map URL, how many original files it lists (the first few names) and whether it embeds their content.',
    remediation:
      'Do not deploy source maps to the public web server: build with `devtool: false` / `hidden-source-map` (webpack), `build.sourcemap: ' +
      "'hidden'` (Vite) and upload maps to your error tracker instead, or deny `*.map` at the server (nginx `location ~ \\.map$ { deny all; }`).",
  },
  backupFile: {
    ...common,
    id: 'exposure.backup-file',
    title: 'Backup or dump file downloadable',
    severity: 'HIGH',
    cweId: 'CWE-530',
    description:
      'Requests a short list of common backup names (/backup.zip, /db.sql, /wp-config.php.bak, …) and confirms each by its content: ' +
      'ZIP or gzip magic bytes, SQL statements, or raw PHP source. Backups expose source code, database contents and credentials.',
    evidence: 'The URL, what the content was identified as (with the magic bytes or the first SQL statement) and the size read.',
    remediation:
      'Remove backups and dumps from the web root and store them outside the server (or in private object storage). Deny backup ' +
      'extensions at the server, e.g. nginx `location ~* \\.(bak|old|orig|sql|zip|tar\\.gz|tgz)$|~$ { deny all; }`. Rotate credentials a backup contained.',
  },
  serverStatus: {
    ...common,
    id: 'exposure.server-status',
    title: 'Web server status page publicly readable',
    severity: 'MEDIUM',
    cweId: 'CWE-200',
    description:
      'Requests /server-status (Apache mod_status) and /nginx_status (nginx stub_status). These pages reveal the server version, ' +
      'load and, for Apache, the clients and URLs being served right now, which may include session tokens in query strings.',
    evidence: 'The status page URL, which server produced it and the version line it shows.',
    remediation:
      'Restrict the status page to the monitoring host: Apache `<Location "/server-status"> SetHandler server-status Require ip 127.0.0.1 </Location>`, ' +
      'nginx `location = /nginx_status { stub_status; allow 127.0.0.1; deny all; }`.',
  },
  directoryListing: {
    ...common,
    id: 'exposure.directory-listing',
    title: 'Directory listing enabled',
    severity: 'MEDIUM',
    cweId: 'CWE-548',
    description:
      'Checks the page and a few common directories (/uploads/, /images/, /files/, /static/, /backup/) for an automatic index ' +
      '(Apache/nginx "Index of /", Python "Directory listing for", IIS), which lets anyone enumerate and download every file there.',
    evidence: 'The directory URL, which kind of listing it is and the first entries it lists.',
    remediation:
      'Turn automatic indexes off: Apache `Options -Indexes`, nginx `autoindex off;` (the default), IIS `<directoryBrowse enabled="false" />`; ' +
      'put an index file in directories that must stay reachable.',
  },
  phpinfo: {
    ...common,
    id: 'exposure.phpinfo',
    title: 'phpinfo() page publicly readable',
    severity: 'MEDIUM',
    cweId: 'CWE-497',
    description:
      'Requests /phpinfo.php, /info.php and /php_info.php for the output of phpinfo(), which reveals the PHP version and modules, ' +
      'file paths, environment variables and configuration an attacker uses to pick exploits.',
    evidence: 'The URL of the phpinfo() page and the PHP version it shows.',
    remediation: 'Delete phpinfo() scripts from production servers; if one is needed, protect it with authentication and an IP allow-list.',
  },
  securityTxtMissing: {
    ...common,
    id: 'exposure.security-txt-missing',
    title: 'No security.txt with a security contact',
    severity: 'INFO',
    cweId: 'CWE-1059',
    confidence: 'FIRM',
    description:
      'Requests /.well-known/security.txt and /security.txt for a file with a `Contact:` line (RFC 9116), which tells researchers ' +
      'how to report a vulnerability to you.',
    evidence: 'The two URLs requested and the status each answered with.',
    remediation:
      'Publish /.well-known/security.txt as text/plain, e.g. `Contact: mailto:security@example.com` and ' +
      '`Expires: 2027-12-31T23:00:00.000Z` (plus optionally `Policy:` and `Preferred-Languages:`), and keep Expires current.',
  },
} as const satisfies Record<string, CheckDefinition>;
