import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProbeContext } from '../../../../../../test/support/probe-context.js';
import type { ProbeFinding } from '../../check.js';
import { fake } from './fake-secrets.test-support.js';
import { secretsProbe } from './secrets.probe.js';

// This suite's own loopback address, so its servers never collide with other suites.
const HOST = '127.0.0.13';

const S = {
  stripe: fake.stripeLive(),
  awsId: fake.awsKeyId(),
  awsSecret: fake.awsSecret(),
  google: fake.googleKey(),
  github: fake.githubPat(),
  webhook: fake.slackWebhook(),
  serviceJwt: fake.jwt({ iss: 'supabase', ref: 'qwertyuiopasdfghjklz', role: 'service_role', iat: 1700000000, exp: 2000000000 }),
  pem: fake.pem(),
};
const anonJwt = fake.jwt({ iss: 'supabase', ref: 'qwertyuiopasdfghjklz', role: 'anon', iat: 1700000000, exp: 2000000000 }, 99);
const publishable = ['pk', 'live', fake.stripeLive(42).slice(8)].join('_');

const PAGE = [
  '<!doctype html><html><head>',
  '<link rel="stylesheet" href="/static/site.css">',
  '<script src="/static/app.js"></script>',
  '</head>',
  `<body data-stripe="${S.stripe}">`,
  `<!-- sample: ${['AK', 'IA'].join('')}IOSFODNN7EXAMPLE, publishable ${publishable}, anon ${anonJwt} -->`,
  '<script>',
  `  window.cfg = { accessKeyId: "${S.awsId}", secretAccessKey: "${S.awsSecret}" };`,
  `  var mapsKey = "${S.google}";`,
  '</script>',
  '</body></html>',
].join('\n');

const APP_JS = `!function(){var t="${S.github}";fetch("/api",{headers:{a:t}})}();\n//# sourceMappingURL=app.js.map\n`;
const CONFIG_TS = `export const url = "https://x.supabase.co";\nexport const serviceKey = "${S.serviceJwt}";\nexport const signingKey = \`${S.pem.pem.trim()}\`;\n`;
const APP_MAP = JSON.stringify({
  version: 3,
  file: 'app.js',
  sources: ['webpack:///./src/config.ts', 'webpack:///./src/anon.ts'],
  sourcesContent: [CONFIG_TS, `export const anon = "${anonJwt}";\n`],
  mappings: 'AAAA',
});
const SITE_CSS = `body { color: #333 }\n/* alerts go to ${S.webhook} */\n`;

const CLEAN_PAGE = `<!doctype html><script src="/static/clean.js"></script><p>${publishable}</p><script>var sha = "${'9f86d081'.repeat(5)}";</script>`;
const CLEAN_JS = `var k="${anonJwt}";var s="${['sk', 'live', 'x'.repeat(24)].join('_')}";\n//# sourceMappingURL=clean.js.map\n`;
const CLEAN_MAP = JSON.stringify({ version: 3, sources: ['src/clean.ts'], sourcesContent: [`// ${['AK', 'IA'].join('')}IOSFODNN7EXAMPLE\n`], mappings: '' });

const STRIPE_2 = fake.stripeLive(77);
const DUPES_JS = `var a="${S.stripe}",b="${S.stripe}",c="${STRIPE_2}";`;

const ROUTES: Record<string, [string, string]> = {
  '/': ['text/html', PAGE],
  '/static/app.js': ['application/javascript', APP_JS],
  '/static/app.js.map': ['application/json', APP_MAP],
  '/static/site.css': ['text/css', SITE_CSS],
  '/clean': ['text/html', CLEAN_PAGE],
  '/static/clean.js': ['application/javascript', CLEAN_JS],
  '/static/clean.js.map': ['application/json', CLEAN_MAP],
  '/dupes': ['text/html', '<!doctype html><script src="/static/dupes.js"></script>'],
  '/static/dupes.js': ['application/javascript', DUPES_JS],
};

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const route = ROUTES[new URL(req.url ?? '/', 'http://x').pathname];
    if (!route) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': route[0] }).end(route[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  base = `http://${HOST}:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function scan(path: string): Promise<ProbeFinding[]> {
  const ctx = makeProbeContext({ target: `${base}${path}`, profile: 'STANDARD' });
  await secretsProbe.run(ctx);
  return ctx.findings;
}

const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;

describe('secretsProbe', () => {
  it('reports each planted secret once, at the right place, with the right check and severity', async () => {
    const findings = await scan('/');
    const summary = findings.map((f) => [f.checkId, (f.evidence as { kind: string }).kind, f.severity, f.location]).sort();
    expect(summary).toEqual(
      [
        ['secrets.patterns', 'stripe-secret-key', 'CRITICAL', `${base}/:${lineOf(PAGE, S.stripe)}:stripe-secret-key`],
        ['secrets.patterns', 'aws-access-key', 'CRITICAL', `${base}/:${lineOf(PAGE, S.awsId)}:aws-access-key`],
        ['secrets.patterns', 'google-api-key', 'LOW', `${base}/:${lineOf(PAGE, S.google)}:google-api-key`],
        ['secrets.js-bundle-sweep', 'github-token', 'CRITICAL', `${base}/static/app.js:1:github-token`],
        ['secrets.js-bundle-sweep', 'slack-webhook', 'MEDIUM', `${base}/static/site.css:2:slack-webhook`],
        ['secrets.js-bundle-sweep', 'supabase-service-role-key', 'CRITICAL', `${base}/static/app.js.map#webpack:///./src/config.ts:2:supabase-service-role-key`],
        ['secrets.js-bundle-sweep', 'private-key', 'CRITICAL', `${base}/static/app.js.map#webpack:///./src/config.ts:3:private-key`],
      ].sort(),
    );
  });

  it('says where each secret sits: HTML or inline script, script, stylesheet, or the original file of a source map', async () => {
    const findings = await scan('/');
    const byKind = (kind: string): Record<string, unknown> => findings.find((f) => (f.evidence as { kind: string }).kind === kind)!.evidence;
    expect(byKind('stripe-secret-key')).toMatchObject({ url: `${base}/`, in: 'html', line: 5 });
    expect(byKind('aws-access-key')).toMatchObject({ in: 'inline script', line: 8, accessKeyId: `${S.awsId.slice(0, 4)}…${S.awsId.slice(-4)}` });
    expect(byKind('github-token')).toMatchObject({ url: `${base}/static/app.js`, in: 'script', line: 1 });
    expect(byKind('slack-webhook')).toMatchObject({ url: `${base}/static/site.css`, in: 'stylesheet' });
    expect(byKind('supabase-service-role-key')).toMatchObject({
      url: `${base}/static/app.js.map`,
      in: 'source map',
      sourceFile: 'webpack:///./src/config.ts',
      role: 'service_role',
      ref: 'qwertyuiopasdfghjklz',
    });
    expect(byKind('private-key')).toMatchObject({ in: 'source map', keyType: 'PRIVATE KEY', redacted: `${S.pem.body.slice(0, 4)}…${S.pem.body.slice(-4)}` });
  });

  it('never puts a full secret anywhere in the findings', async () => {
    const json = JSON.stringify(await scan('/'));
    const secrets = [S.stripe, S.awsId, S.awsSecret, S.google, S.github, S.webhook, S.serviceJwt, S.pem.body, S.pem.pem.trim()];
    for (const secret of secrets) expect(json).not.toContain(secret);
    // Nor a long piece of one (a leaked half of a key is still a leak).
    for (const secret of secrets) expect(json).not.toContain(secret.slice(2, 14));
    expect(json).toContain(`${S.stripe.slice(0, 4)}…${S.stripe.slice(-4)}`);
  });

  it('reports nothing on a page with only public keys, placeholders and digests', async () => {
    expect(await scan('/clean')).toEqual([]);
  });

  it('reports a secret repeated on one line once, and a second distinct secret on that line separately', async () => {
    const findings = await scan('/dupes');
    expect(findings.map((f) => f.location).sort()).toEqual(
      [`${base}/static/dupes.js:1:stripe-secret-key`, `${base}/static/dupes.js:1:${DUPES_JS.indexOf(STRIPE_2) + 1}:stripe-secret-key`].sort(),
    );
  });

  it('does not throw when the host does not answer', async () => {
    const ctx = makeProbeContext({ target: `http://${HOST}:1/`, profileOverrides: { requestTimeoutMs: 1_000 } });
    await expect(secretsProbe.run(ctx)).resolves.toBeUndefined();
    expect(ctx.findings).toEqual([]);
  });
});
