import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProbeContext, type TestProbeContext } from '../../../../../../test/support/probe-context.js';
import type { ScanProfile } from '../../profiles.js';
import { EXPOSURE_CHECKS } from './exposure.checks.js';
import { exposureProbe } from './exposure.probe.js';

const HOST = '127.0.0.15';
type Route = { status?: number; type?: string; body: string | Buffer };

const PAGE = '<!doctype html><html><head><title>Shop</title><script src="/app.js?v=3"></script><script src="/vendor.js"></script></head><body>shop</body></html>';
const MAP = (withContent: boolean): string =>
  JSON.stringify({ version: 3, sources: ['webpack:///src/index.ts'], ...(withContent ? { sourcesContent: ['const apiBase = "/api";'] } : {}), mappings: 'AAAA' });
const PHPINFO = '<!DOCTYPE html><html><head><title>PHP 8.1.2 - phpinfo()</title></head><body><h1 class="p">PHP Version 8.1.2</h1></body></html>';

/** A site that plants each exposure once, plus decoys that answer 200 without being one. */
const VULNERABLE: Record<string, Route> = {
  '/': { type: 'text/html', body: PAGE },
  '/app.js': { type: 'application/javascript', body: 'console.log("app");\n' },
  '/app.js.map': { type: 'application/json', body: MAP(true) },
  '/vendor.js': { type: 'application/javascript', body: 'console.log("vendor");\n//# sourceMappingURL=vendor.js.map\n' },
  '/vendor.js.map': { type: 'application/json', body: MAP(false) },
  '/.git/HEAD': { type: 'text/plain', body: 'ref: refs/heads/main\n' },
  '/.git/config': { type: 'text/plain', body: '[core]\n\tbare = false\n[remote "origin"]\n\turl = https://deploy:Pa55w0rd-git@git.example.com/acme/shop.git\n' },
  '/.env': { type: 'text/plain', body: 'APP_NAME=shop\nDB_PASSWORD=Sup3rS3cretDb\nSTRIPE_API_KEY=sk_live_51Habcdef\n' },
  '/backup.zip': { type: 'application/zip', body: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]) },
  '/site.zip': { type: 'text/html', body: '<html><body>Coming soon</body></html>' },
  '/db.sql': { type: 'application/sql', body: '-- MySQL dump 10.13\nCREATE TABLE `customers` (id int);\nINSERT INTO `customers` VALUES (1);\n' },
  '/dump.sql': { type: 'text/html', body: '<html><body>No dump here</body></html>' },
  '/wp-config.php.bak': { type: 'text/plain', body: "<?php\ndefine('DB_NAME', 'wp');\ndefine('DB_PASSWORD', 'WpS3cret!');\n" },
  '/server-status': { type: 'text/html', body: '<html><body><h1>Apache Server Status for shop.example</h1><dl><dt>Server Version: Apache/2.4.41 (Ubuntu)</dt></dl></body></html>' },
  '/uploads/': { type: 'text/html', body: '<html><head><title>Index of /uploads/</title></head><body><h1>Index of /uploads/</h1><hr><pre><a href="../">../</a>\n<a href="invoice-1.pdf">invoice-1.pdf</a>\n</pre><hr></body></html>' },
  '/files/': { type: 'text/html', body: '<!DOCTYPE HTML><html><head><title>Directory listing for /files/</title></head><body><ul><li><a href="notes.txt">notes.txt</a></li></ul></body></html>' },
  '/phpinfo.php': { type: 'text/html', body: PHPINFO },
};

/** A single-page app: real assets, and index.html with 200 for every other path. */
const SPA_INDEX = '<!doctype html><html><head><title>App</title><script src="/main.js"></script></head><body><div id="root"></div></body></html>';
const SPA: Record<string, Route> = { '/main.js': { type: 'application/javascript', body: 'render();\n' } };
const SPA_FALLBACK: Route = { type: 'text/html', body: SPA_INDEX };

/** A hardened site: the page, its script without a map, a security.txt, 403/404 for the rest. */
const HARDENED: Record<string, Route> = {
  '/': { type: 'text/html', body: '<!doctype html><html><head><title>Bank</title><script src="/bundle.js"></script></head><body>hi</body></html>' },
  '/bundle.js': { type: 'application/javascript', body: 'init();\n' },
  '/.git/HEAD': { status: 403, type: 'text/html', body: '<html><body>Forbidden</body></html>' },
  '/.env': { status: 403, type: 'text/html', body: '<html><body>Forbidden</body></html>' },
  '/.well-known/security.txt': { type: 'text/plain', body: 'Contact: mailto:security@bank.example\nExpires: 2027-12-31T23:00:00.000Z\n' },
};

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())))));
});

const NOT_FOUND: Route = { status: 404, type: 'text/html', body: '<html><body>Not Found</body></html>' };

async function serve(routes: Record<string, Route>, fallback: Route | ((path: string) => Route) = NOT_FOUND): Promise<string> {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const route = routes[path] ?? (typeof fallback === 'function' ? fallback(path) : fallback);
    res.writeHead(route.status ?? 200, { 'content-type': route.type ?? 'text/plain' });
    res.end(route.body);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, HOST, () => r()));
  return `http://${HOST}:${(server.address() as AddressInfo).port}/`;
}

async function run(url: string, profile: ScanProfile = 'STANDARD'): Promise<{ ctx: TestProbeContext; probeRequests: number }> {
  const ctx = makeProbeContext({ target: url, mode: 'ACTIVE', profile });
  await ctx.page();
  const pageRequests = ctx.http.requestCount;
  await exposureProbe.run(ctx);
  return { ctx, probeRequests: ctx.http.requestCount - pageRequests };
}

const severityOf = (checkId: string): string => Object.values(EXPOSURE_CHECKS).find((c) => c.id === checkId)!.severity;
const summary = (ctx: TestProbeContext): string[] =>
  ctx.findings.map((f) => `${f.checkId} ${f.location} ${f.severity ?? severityOf(f.checkId)}`).sort();

describe('exposure probe', () => {
  it('reports each planted exposure exactly once with its severity, and no decoy', async () => {
    const { ctx, probeRequests } = await run(await serve(VULNERABLE));
    expect(summary(ctx)).toEqual(
      [
        'exposure.git-repository /.git/ CRITICAL',
        'exposure.env-file /.env CRITICAL',
        'exposure.source-map /app.js.map MEDIUM',
        'exposure.backup-file /backup.zip HIGH',
        'exposure.backup-file /db.sql HIGH',
        'exposure.backup-file /wp-config.php.bak CRITICAL',
        'exposure.server-status /server-status MEDIUM',
        'exposure.directory-listing /uploads/ MEDIUM',
        'exposure.directory-listing /files/ MEDIUM',
        'exposure.phpinfo /phpinfo.php MEDIUM',
        'exposure.security-txt-missing /.well-known/security.txt INFO',
      ].sort(),
    );
    expect(probeRequests).toBeLessThanOrEqual(30);
  });

  it('never puts a secret value into a finding', async () => {
    const { ctx } = await run(await serve(VULNERABLE));
    const all = JSON.stringify(ctx.findings);
    for (const secret of ['Pa55w0rd-git', 'Sup3rS3cretDb', 'sk_live_51Habcdef', 'WpS3cret!']) expect(all).not.toContain(secret);
    const env = ctx.findings.find((f) => f.checkId === 'exposure.env-file')!;
    expect(env.evidence).toMatchObject({ variableNames: ['APP_NAME', 'DB_PASSWORD', 'STRIPE_API_KEY'], secretLikeNames: ['DB_PASSWORD', 'STRIPE_API_KEY'] });
    const git = ctx.findings.find((f) => f.checkId === 'exposure.git-repository')!;
    expect(git.evidence).toMatchObject({ head: 'ref: refs/heads/main', remotes: ['https://***@git.example.com/acme/shop.git'], remoteHasCredentials: true });
  });

  it('reports only the missing security.txt on a catch-all single-page app', async () => {
    const { ctx } = await run(await serve(SPA, SPA_FALLBACK));
    expect(summary(ctx)).toEqual(['exposure.security-txt-missing /.well-known/security.txt INFO']);
  });

  it('ignores content every path answers with, even when it looks like an exposure', async () => {
    const same = await run(await serve({}, { type: 'text/plain', body: 'ref: refs/heads/main\n' }));
    expect(same.ctx.findings.map((f) => f.checkId)).toEqual(['exposure.security-txt-missing']);
    // Bodies that differ per path (they echo it) but prove the same thing for a path that cannot exist.
    const echo = (path: string): Route => ({ type: 'text/plain', body: `REQUEST_PATH=${path}\nSTATUS=ok\n<?php ${path} Index of /${path} <title>phpinfo()</title>` });
    const echoing = await run(await serve({ '/db.sql': { body: 'INSERT INTO t VALUES (1);' } }, echo));
    expect(echoing.ctx.findings.map((f) => `${f.checkId} ${f.location}`).sort()).toEqual([
      'exposure.backup-file /db.sql',
      'exposure.security-txt-missing /.well-known/security.txt',
    ]);
  });

  it('reports nothing on a hardened site with a security.txt', async () => {
    const { ctx, probeRequests } = await run(await serve(HARDENED));
    expect(ctx.findings).toEqual([]);
    expect(probeRequests).toBeGreaterThan(20);
  });

  it('reports an env file without secret-looking names as HIGH', async () => {
    const { ctx } = await run(await serve({ '/.env': { body: 'APP_ENV=production\nLOG_LEVEL=info\n' } }));
    const env = ctx.findings.find((f) => f.checkId === 'exposure.env-file');
    expect(env).toMatchObject({ severity: 'HIGH', location: '/.env' });
  });

  it('finds a listing on the page itself and sends a few more requests at AGGRESSIVE', async () => {
    const url = await serve({ '/': { type: 'text/html', body: '<html><head><title>Index of /</title></head><body><a href="a.zip">a.zip</a></body></html>' } });
    const standard = await run(url);
    const aggressive = await run(url, 'AGGRESSIVE');
    expect(summary(aggressive.ctx).filter((s) => s.includes('directory-listing'))).toEqual(['exposure.directory-listing / MEDIUM']);
    expect(aggressive.probeRequests).toBeGreaterThan(standard.probeRequests);
    expect(aggressive.probeRequests).toBeLessThanOrEqual(standard.probeRequests + 10);
  });

  it('does nothing when no web server answers', async () => {
    const url = await serve({});
    await new Promise<void>((r) => (servers[0]!.closeAllConnections(), servers[0]!.close(() => r())));
    servers.length = 0;
    const ctx = makeProbeContext({ target: url, mode: 'ACTIVE', profile: 'STANDARD' });
    await exposureProbe.run(ctx);
    expect(ctx.findings).toEqual([]);
    expect(ctx.http.requestCount).toBeLessThanOrEqual(2);
  });
});
