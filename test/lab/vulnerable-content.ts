import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { PlantedSecrets } from './planted-secrets.js';

/*
 * The bodies the vulnerable app serves. Each web issue is planted exactly once, so a scan that
 * reports it twice or misses it is wrong. Texts are long enough (> 1 KiB) that serving them
 * uncompressed is a real finding.
 */

/** Filler a real shop page would have: makes the page and scripts worth compressing. */
function products(n: number): string {
  return Array.from({ length: n }, (_, i) => `      <li class="product"><a href="/about">Product ${i + 1}</a> <span class="price">${(9.99 + i).toFixed(2)} EUR</span></li>`).join('\n');
}

/** The home page: generator meta, same-origin scripts and stylesheet, one inline secret. */
export function vulnerableHomePage(s: PlantedSecrets): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="generator" content="WordPress 5.8.1">
    <title>Acme Shop</title>
    <link rel="stylesheet" href="/static/site.css">
    <script src="/static/vendor.js"></script>
    <script src="/static/app.js"></script>
    <script>
      window.checkout = { currency: "EUR", stripeSecret: "${s.inlineStripeSecretKey}" };
    </script>
  </head>
  <body>
    <h1>Acme Shop</h1>
    <ul class="products">
${products(30)}
    </ul>
    <p><a href="/about">About us</a></p>
  </body>
</html>
`;
}

export const ABOUT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>About</title></head>
<body><h1>About Acme</h1><p>We sell things.</p><p><a href="/">Home</a></p></body></html>
`;

export const SITE_CSS = `/* Acme shop styles */\n${Array.from({ length: 40 }, (_, i) => `.product:nth-child(${i + 1}) { margin: ${i % 4}px; padding: 2px 4px; color: #333; }`).join('\n')}\n`;

/** Written in two parts: the whole comment at a line start of this file would be taken as its own source map by vite. */
const SOURCE_MAP_COMMENT = '//' + '# sourceMappingURL=app.js.map';

/** The bundle: every provider credential of the lab, once each, plus the source map comment. */
export function vulnerableAppJs(s: PlantedSecrets): string {
  return `/* Acme shop front-end bundle */
(function () {
  "use strict";
  var config = {
    aws: { region: "eu-west-1", accessKeyId: "${s.awsAccessKeyId}", secretAccessKey: "${s.awsSecretAccessKey}" },
    stripe: { secretKey: "${s.stripeSecretKey}" },
    github: { token: "${s.githubToken}" },
    slack: { botToken: "${s.slackBotToken}" },
    maps: { apiKey: "${s.googleApiKey}" },
    supabase: { url: "https://acme-shop.supabase.co", serviceRoleKey: "${s.supabaseServiceRoleJwt}" }
  };
  window.__ACME__ = config;
${Array.from({ length: 25 }, (_, i) => `  function render${i}(el) { if (!el) return; el.setAttribute("data-step", "${i}"); el.classList.add("ready"); }`).join('\n')}
  document.addEventListener("DOMContentLoaded", function () { render0(document.body); });
})();
${SOURCE_MAP_COMMENT}
`;
}

/** The bundle's source map: the original sources, one of which holds a signing key. */
export function vulnerableAppJsMap(s: PlantedSecrets): string {
  return JSON.stringify({
    version: 3,
    file: 'app.js',
    sources: ['webpack:///src/main.js', 'webpack:///src/signing-key.js'],
    sourcesContent: [
      'import { sign } from "./signing-key";\nexport function start(config) {\n  window.__ACME__ = config;\n}\n',
      `// Used to sign order webhooks.\nexport const SIGNING_KEY = \`${s.privateKeyPem}\`;\n`,
    ],
    names: [],
    mappings: 'AAAA;AACA',
  });
}

/** A vendor bundle that names no source map; its map is still served (found only by guessing). */
export const VENDOR_JS = `/*! tiny-vendor v1.4.2 */\nwindow.tinyVendor = { version: "1.4.2", noop: function () {} };\n`;

export const VENDOR_JS_MAP = JSON.stringify({
  version: 3,
  file: 'vendor.js',
  sources: ['webpack:///node_modules/tiny-vendor/index.js'],
  sourcesContent: ['export const version = "1.4.2";\nexport function noop() {}\n'],
  names: [],
  mappings: 'AAAA',
});

export const GIT_HEAD = 'ref: refs/heads/main\n';

export const GIT_CONFIG = `[core]
\trepositoryformatversion = 0
\tfilemode = true
\tbare = false
\tlogallrefupdates = true
[remote "origin"]
\turl = git@git.acme.example:shop/storefront.git
\tfetch = +refs/heads/*:refs/remotes/origin/*
[branch "main"]
\tremote = origin
\tmerge = refs/heads/main
`;

/** Environment file: configuration and a database password (no provider-format key: those are planted once, in app.js). */
export function dotEnv(): string {
  return `APP_ENV=production
APP_DEBUG=true
APP_URL=https://shop.acme.example
DB_CONNECTION=mysql
DB_HOST=10.0.3.12
DB_DATABASE=shop
DB_USERNAME=shop
DB_PASSWORD=${randomBytes(12).toString('base64url')}
`;
}

/** A real (stored, uncompressed) zip archive with one SQL dump inside. */
export function backupZip(): Buffer {
  const name = Buffer.from('shop-2021-09-01.sql');
  const data = Buffer.from('-- MySQL dump 10.13\nCREATE TABLE customers (id INT, email VARCHAR(255));\n');
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); // local file header signature: "PK\x03\x04"
  local.writeUInt16LE(20, 4); // version needed
  local.writeUInt16LE(0, 8); // method: stored
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4); // version made by
  central.writeUInt16LE(20, 6); // version needed
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE(0, 42); // offset of the local header
  const centralOffset = local.length + name.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

/** Apache mod_status, as `ExtendedStatus On` shows it to anyone. */
export const SERVER_STATUS = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">
<html><head>
<title>Apache Status</title>
</head><body>
<h1>Apache Server Status for shop.acme.example (via 10.0.3.10)</h1>

<dl><dt>Server Version: Apache/2.4.41 (Ubuntu)</dt>
<dt>Server MPM: prefork</dt>
<dt>Server Built: 2021-08-12T18:42:16</dt>
</dl><hr /><dl>
<dt>Current Time: Wednesday, 15-Sep-2021 10:02:11 UTC</dt>
<dt>Restart Time: Monday, 13-Sep-2021 06:25:03 UTC</dt>
<dt>Server uptime:  2 days 3 hours 37 minutes 8 seconds</dt>
<dt>Total accesses: 184211 - Total Traffic: 2.1 GB</dt>
<dt>3 requests currently being processed, 7 idle workers</dt>
</dl>
<table border="0"><tr><th>Srv</th><th>PID</th><th>Client</th><th>VHost</th><th>Request</th></tr>
<tr><td><b>0-0</b></td><td>1421</td><td>203.0.113.7</td><td>shop.acme.example:443</td><td nowrap>GET /account/orders?session=2f1c HTTP/1.1</td></tr>
</table>
</body></html>
`;

export const UPLOAD_FILES: Record<string, { type: string; body: Buffer }> = {
  'invoice-2021-03.pdf': { type: 'application/pdf', body: Buffer.from('%PDF-1.4\n% lab invoice\n%%EOF\n') },
  'customers-export.csv': { type: 'text/csv', body: Buffer.from('id,email\n1,a@acme.example\n') },
};

/** Apache's autoindex page for /uploads/. */
export const UPLOADS_LISTING = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">
<html>
 <head>
  <title>Index of /uploads</title>
 </head>
 <body>
<h1>Index of /uploads</h1>
  <table>
   <tr><th valign="top">&nbsp;</th><th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th><th><a href="?C=S;O=A">Size</a></th></tr>
   <tr><th colspan="4"><hr></th></tr>
<tr><td valign="top">&nbsp;</td><td><a href="/">Parent Directory</a></td><td>&nbsp;</td><td align="right">  - </td></tr>
${Object.entries(UPLOAD_FILES)
  .map(([name, f]) => `<tr><td valign="top">&nbsp;</td><td><a href="${name}">${name}</a></td><td align="right">2021-09-01 10:12  </td><td align="right">${f.body.length} </td></tr>`)
  .join('\n')}
   <tr><th colspan="4"><hr></th></tr>
</table>
</body></html>
`;

export const PHPINFO = `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<title>PHP 7.4.3 - phpinfo()</title><meta name="ROBOTS" content="NOINDEX,NOFOLLOW,NOARCHIVE" /></head>
<body><div class="center">
<table><tr class="h"><td><h1 class="p">PHP Version 7.4.3</h1></td></tr></table>
<table>
<tr><td class="e">System </td><td class="v">Linux shop-web-1 5.4.0-84-generic #94-Ubuntu SMP x86_64 </td></tr>
<tr><td class="e">Server API </td><td class="v">FPM/FastCGI </td></tr>
<tr><td class="e">Loaded Configuration File </td><td class="v">/etc/php/7.4/fpm/php.ini </td></tr>
<tr><td class="e">DOCUMENT_ROOT </td><td class="v">/var/www/shop/public </td></tr>
<tr><td class="e">allow_url_include</td><td class="v">Off</td><td class="v">Off</td></tr>
<tr><td class="e">display_errors</td><td class="v">On</td><td class="v">On</td></tr>
</table>
</div></body></html>
`;

export const NOT_FOUND_PAGE = '<!doctype html><title>404 Not Found</title><h1>Not Found</h1>\n';
