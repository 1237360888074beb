import { randomBytes } from 'node:crypto';
import type { Probe, ProbeContext } from '../../check.js';
import { sourceMapUrl, type PageSnapshot } from '../../page.js';
import type { SafeResponse } from '../../safe-fetch.js';
import { BudgetExhaustedError } from '../../scan-http.js';
import { EXPOSURE_CHECKS as C } from './exposure.checks.js';
import {
  backupKind,
  backupProof,
  directoryListingProof,
  envFileProof,
  gitConfigProof,
  gitHeadProof,
  phpinfoProof,
  securityTxtProof,
  serverStatusProof,
  sourceMapProof,
} from './exposure-proofs.js';

/** Every proof reads the start of a file; a 64 KB cap keeps a large backup from costing a download. */
const MAX_BODY_BYTES = 64 * 1024;
/** Source maps put "sources" after "mappings", which alone can be large. */
const MAX_MAP_BYTES = 256 * 1024;

const BACKUP_PATHS = ['/backup.zip', '/backup.tar.gz', '/site.zip', '/db.sql', '/dump.sql', '/database.sql', '/index.php.bak', '/wp-config.php.bak', '/config.php~'];
const AGGRESSIVE_BACKUP_PATHS = ['/www.zip', '/backup.sql', '/site.tar.gz', '/config.php.bak'];
const LISTING_DIRS = ['/', '/uploads/', '/images/', '/files/', '/static/', '/backup/'];
const AGGRESSIVE_LISTING_DIRS = ['/assets/', '/media/'];
const STATUS_PATHS = ['/server-status', '/nginx_status'];
const PHPINFO_PATHS = ['/phpinfo.php', '/info.php', '/php_info.php'];
const SECURITY_TXT_PATHS = ['/.well-known/security.txt', '/security.txt'];

/**
 * Looks for files a web server should never hand out on the origin of the host's page. About 25
 * GET requests at STANDARD (a few more at AGGRESSIVE), each confirmed by content, and first a
 * request for a path that cannot exist, to learn how the server answers for anything (soft 404).
 */
export const exposureProbe: Probe = {
  id: 'exposure',
  title: 'Exposed files and pages',
  checks: Object.values(C),
  mode: 'ACTIVE',
  profile: 'STANDARD',
  async run(ctx) {
    const page = await ctx.page();
    const base = page?.response.url ?? ctx.host.urls[0];
    if (!base) return;
    const scan = new ExposureScan(ctx, new URL(base).origin);
    scan.baseline = await scan.get(`/fixfirst-${randomBytes(8).toString('hex')}.txt`);
    // Neither the page nor the baseline answered: there is no web server here to look at.
    if (!scan.baseline && !page) return;
    const aggressive = ctx.profile.name === 'AGGRESSIVE';
    const results = await Promise.allSettled([
      scan.git(),
      scan.env(),
      scan.sourceMaps(page, aggressive ? 6 : 3),
      ...[...BACKUP_PATHS, ...(aggressive ? AGGRESSIVE_BACKUP_PATHS : [])].map((p) => scan.backup(p)),
      ...STATUS_PATHS.map((p) => scan.serverStatus(p)),
      scan.listings(page, [...LISTING_DIRS, ...(aggressive ? AGGRESSIVE_LISTING_DIRS : [])]),
      ...PHPINFO_PATHS.map((p) => scan.phpinfo(p)),
      scan.securityTxt(),
    ]);
    // Ordinary failures were swallowed per request; what is left is the budget or the deadline.
    const fatal = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (fatal) throw fatal.reason;
  },
};

/** One host's exposure scan: the origin, the soft-404 baseline and one method per check. */
class ExposureScan {
  baseline: SafeResponse | null = null;

  constructor(
    private readonly ctx: ProbeContext,
    private readonly origin: string,
  ) {}

  /** GET a path of the origin; null for an ordinary failure (refused, reset, timeout of this request). */
  async get(path: string, maxBodyBytes = MAX_BODY_BYTES): Promise<SafeResponse | null> {
    try {
      return await this.ctx.http.fetch(this.origin + path, { maxBodyBytes });
    } catch (err) {
      if (err instanceof BudgetExhaustedError || this.ctx.signal.aborted) throw err;
      this.ctx.log.debug({ path, err: (err as Error).message }, 'exposure request failed');
      return null;
    }
  }

  /**
   * What `proof` shows about a response, trusted only if the response is a 2xx from this origin and
   * the server does not answer the same for a path that cannot exist (a catch-all or soft 404).
   */
  proven<T>(res: SafeResponse | null, proof: (r: SafeResponse) => T | null): T | null {
    if (!res || res.status < 200 || res.status > 299 || new URL(res.url).origin !== this.origin) return null;
    const b = this.baseline;
    if (b && b.status >= 200 && b.status <= 299 && (b.body.equals(res.body) || proof(b) !== null)) return null;
    return proof(res);
  }

  private url(path: string): string {
    return this.origin + path;
  }

  async git(): Promise<void> {
    const ref = this.proven(await this.get('/.git/HEAD'), (r) => gitHeadProof(r.body));
    if (!ref) return;
    const config = this.proven(await this.get('/.git/config'), (r) => gitConfigProof(r.body));
    this.ctx.report({
      checkId: C.gitRepository.id,
      target: this.url('/.git/'),
      location: '/.git/',
      ...(config?.remoteHasCredentials ? { severity: 'CRITICAL' as const } : {}),
      description:
        `${this.url('/.git/HEAD')} answers "${ref}", so the site's git repository can be downloaded` +
        (config ? `; /.git/config is readable too${config.remoteHasCredentials ? ' and its remote URL embeds credentials' : ''}.` : '.'),
      evidence: {
        url: this.url('/.git/HEAD'),
        head: ref,
        configReadable: config !== null,
        configSections: config?.sections ?? [],
        remotes: config?.remotes ?? [],
        remoteHasCredentials: config?.remoteHasCredentials ?? false,
      },
    });
  }

  async env(): Promise<void> {
    const res = await this.get('/.env');
    const env = this.proven(res, (r) => envFileProof(r.body));
    if (!env || !res) return;
    const secrets = env.secretNames.length > 0;
    this.ctx.report({
      checkId: C.envFile.id,
      target: this.url('/.env'),
      location: '/.env',
      severity: secrets ? 'CRITICAL' : 'HIGH',
      description:
        `${this.url('/.env')} serves an environment file defining ${env.names.length} variables` +
        (secrets ? `, including credentials such as ${env.secretNames.slice(0, 3).join(', ')}; treat them as leaked.` : '.'),
      evidence: { url: this.url('/.env'), status: res.status, variableNames: env.names, secretLikeNames: env.secretNames, valuesShown: false },
    });
  }

  /** `<script>.map` for the page's same-origin scripts that name no source map themselves. */
  async sourceMaps(page: PageSnapshot | null, max: number): Promise<void> {
    if (!page) return;
    const known = new Set(page.assets.filter((a) => a.kind === 'sourcemap').map((a) => a.url));
    const wanted = new Map<string, string>();
    for (const asset of page.assets) {
      if (asset.kind !== 'script' || sourceMapUrl(asset.response) !== null) continue;
      const map = new URL(asset.url);
      map.search = '';
      map.pathname += '.map';
      if (map.origin === this.origin && !known.has(map.href) && !wanted.has(map.pathname)) wanted.set(map.pathname, asset.url);
    }
    await Promise.all(
      [...wanted].slice(0, max).map(async ([path, script]) => {
        const res = await this.get(path, MAX_MAP_BYTES);
        const map = this.proven(res, (r) => sourceMapProof(r.body, r.truncated));
        if (!map) return;
        this.ctx.report({
          checkId: C.sourceMap.id,
          target: this.url(path),
          location: path,
          severity: map.hasSourcesContent ? 'MEDIUM' : 'LOW',
          description:
            `${this.url(path)} is a source map for ${script} listing ${map.sourcesCount} original files` +
            (map.hasSourcesContent ? ' and embedding their full source code.' : '.'),
          evidence: { url: this.url(path), script, sourcesCount: map.sourcesCount, sources: map.sources, hasSourcesContent: map.hasSourcesContent },
        });
      }),
    );
  }

  async backup(path: string): Promise<void> {
    const res = await this.get(path);
    const kind = backupKind(path);
    const found = this.proven(res, (r) => backupProof(kind, r.body));
    if (!found || !res) return;
    const credentials = found.credentialNames ?? [];
    this.ctx.report({
      checkId: C.backupFile.id,
      target: this.url(path),
      location: path,
      ...(credentials.length > 0 ? { severity: 'CRITICAL' as const } : {}),
      description:
        `${this.url(path)} is downloadable and is a ${found.kind} (${found.detail})` +
        (credentials.length > 0 ? `, defining credentials such as ${credentials.slice(0, 3).join(', ')}.` : '.'),
      evidence: {
        url: this.url(path),
        status: res.status,
        identifiedAs: found.kind,
        detail: found.detail,
        contentType: res.headers['content-type'] ?? null,
        bytesRead: res.body.length,
        truncated: res.truncated,
        ...(found.credentialNames ? { credentialNames: credentials } : {}),
      },
    });
  }

  async serverStatus(path: string): Promise<void> {
    const status = this.proven(await this.get(path), (r) => serverStatusProof(r.body));
    if (!status) return;
    this.ctx.report({
      checkId: C.serverStatus.id,
      target: this.url(path),
      location: path,
      description: `${this.url(path)} shows the ${status.server} page to anyone (${status.detail}).`,
      evidence: { url: this.url(path), server: status.server, detail: status.detail },
    });
  }

  /** The page itself and a few common directories; each listed directory reported once. */
  async listings(page: PageSnapshot | null, dirs: string[]): Promise<void> {
    const seen = new Set<string>();
    const judge = (res: SafeResponse | null): void => {
      const listing = this.proven(res, (r) => directoryListingProof(r.body));
      if (!listing || !res) return;
      const path = new URL(res.url).pathname;
      if (seen.has(path)) return;
      seen.add(path);
      this.ctx.report({
        checkId: C.directoryListing.id,
        target: res.url,
        location: path,
        description: `${res.url} answers with an automatic directory index (${listing.style}), so every file in ${path} can be listed and downloaded.`,
        evidence: { url: res.url, style: listing.style, entries: listing.entries },
      });
    };
    judge(page?.response ?? null);
    const pagePath = page ? new URL(page.response.url).pathname : null;
    await Promise.all(dirs.filter((d) => d !== pagePath).map(async (dir) => judge(await this.get(dir))));
  }

  async phpinfo(path: string): Promise<void> {
    const info = this.proven(await this.get(path), (r) => phpinfoProof(r.body));
    if (!info) return;
    this.ctx.report({
      checkId: C.phpinfo.id,
      target: this.url(path),
      location: path,
      description: `${this.url(path)} shows phpinfo() output${info.phpVersion ? ` for PHP ${info.phpVersion}` : ''}: versions, paths, modules and environment of the server.`,
      evidence: { url: this.url(path), phpVersion: info.phpVersion },
    });
  }

  /** Absence is the finding, so it is claimed only when both locations answered without one. */
  async securityTxt(): Promise<void> {
    const answers: { url: string; status: number }[] = [];
    for (const path of SECURITY_TXT_PATHS) {
      const res = await this.get(path, 32 * 1024);
      if (!res) return;
      const sameOrigin = new URL(res.url).origin === this.origin;
      if (res.status === 200 && sameOrigin && securityTxtProof(res.body)) return;
      answers.push({ url: this.url(path), status: res.status });
    }
    this.ctx.report({
      checkId: C.securityTxtMissing.id,
      target: this.url(SECURITY_TXT_PATHS[0]!),
      location: SECURITY_TXT_PATHS[0]!,
      description: `${this.origin} publishes no security.txt with a Contact field, so researchers who find a vulnerability have no documented way to report it.`,
      evidence: { requested: answers },
    });
  }
}
