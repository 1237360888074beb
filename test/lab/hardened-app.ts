import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { RouteContext, RouteHandler } from './web-app.js';

/*
 * The hardened twin of the vulnerable app: the same kind of shop page, configured the way every
 * check's remediation says. A scan of it must report nothing (no false positives).
 */

export const HARDENED_HEADERS: Record<string, string> = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** A strict, nonce-based CSP (the form web.dev and Google's CSP Evaluator recommend). */
export function hardenedCsp(nonce: string): string {
  return `default-src 'self'; script-src 'nonce-${nonce}' 'strict-dynamic'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; upgrade-insecure-requests`;
}

const HTML = 'text/html; charset=utf-8';
const STATIC_CACHE = 'public, max-age=31536000, immutable';

function homePage(nonce: string): string {
  const items = Array.from({ length: 30 }, (_, i) => `      <li class="product"><a href="/about">Product ${i + 1}</a> <span class="price">${(9.99 + i).toFixed(2)} EUR</span></li>`);
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Acme Shop</title>
    <link rel="stylesheet" href="/static/site.css">
    <script nonce="${nonce}" src="/static/app.js"></script>
    <script nonce="${nonce}">
      window.checkout = { currency: "EUR" };
    </script>
  </head>
  <body>
    <h1>Acme Shop</h1>
    <ul class="products">
${items.join('\n')}
    </ul>
    <p><a href="/about">About us</a></p>
  </body>
</html>
`;
}

const ABOUT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>About</title></head>
<body><h1>About Acme</h1><p>We sell things.</p><p><a href="/">Home</a></p></body></html>
`;

/** Clean bundle: no credentials, no source map. */
const APP_JS = `/* Acme shop front-end bundle */
(function () {
  "use strict";
${Array.from({ length: 25 }, (_, i) => `  function render${i}(el) { if (!el) return; el.setAttribute("data-step", "${i}"); el.classList.add("ready"); }`).join('\n')}
  document.addEventListener("DOMContentLoaded", function () { render0(document.body); });
})();
`;

const SITE_CSS = `/* Acme shop styles */\n${Array.from({ length: 40 }, (_, i) => `.product:nth-child(${i + 1}) { margin: ${i % 4}px; padding: 2px 4px; color: #333; }`).join('\n')}\n`;

/** RFC 9116: Contact and Expires are required; Expires within a year. */
function securityTxt(ctx: RouteContext): string {
  const host = ctx.hostnames[0] ?? ctx.address;
  const expires = new Date(Date.now() + 300 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const port = ctx.httpsPort === null || ctx.httpsPort === 443 ? '' : `:${ctx.httpsPort}`;
  return `Contact: mailto:security@acme.example
Expires: ${expires}
Preferred-Languages: en
Canonical: https://${host}${port}/.well-known/security.txt
`;
}

/** HTTP redirects everything to HTTPS; HTTPS serves the site with every protection on. */
export const handleHardened: RouteHandler = (req, res, ctx) => {
  if (ctx.scheme === 'http') return redirectToHttps(req, res, ctx);
  for (const [name, value] of Object.entries(HARDENED_HEADERS)) res.setHeader(name, value);
  const nonce = randomBytes(16).toString('base64');
  res.setHeader('content-security-policy', hardenedCsp(nonce));
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    return void res.end('Method Not Allowed\n');
  }
  const path = (req.url ?? '/').split('?')[0]!;
  switch (path) {
    case '/':
      // The one cookie, locked down.
      res.setHeader('set-cookie', `session=${randomBytes(16).toString('hex')}; Path=/; Secure; HttpOnly; SameSite=Lax`);
      return sendText(req, res, 200, HTML, homePage(nonce), 'no-cache');
    case '/about':
      return sendText(req, res, 200, HTML, ABOUT_PAGE, 'no-cache');
    case '/static/app.js':
      return sendText(req, res, 200, 'application/javascript; charset=utf-8', APP_JS, STATIC_CACHE);
    case '/static/site.css':
      return sendText(req, res, 200, 'text/css; charset=utf-8', SITE_CSS, STATIC_CACHE);
    case '/.well-known/security.txt':
      return sendText(req, res, 200, 'text/plain; charset=utf-8', securityTxt(ctx), 'max-age=86400');
    default:
      return sendText(req, res, 404, HTML, '<!doctype html><title>Not found</title><h1>Not found</h1>\n', 'no-store');
  }
};

/** 301 to the same path over HTTPS, on a host the app owns (never one taken from a forged Host header). */
function redirectToHttps(req: http.IncomingMessage, res: http.ServerResponse, ctx: RouteContext): void {
  const asked = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  const host = ctx.hostnames.includes(asked) ? asked : ctx.address;
  const port = ctx.httpsPort === null || ctx.httpsPort === 443 ? '' : `:${ctx.httpsPort}`;
  const path = (req.url ?? '/').startsWith('/') ? req.url! : '/';
  res.writeHead(301, { location: `https://${host}${port}${path}`, 'content-type': 'text/plain; charset=utf-8', 'content-length': '0' });
  res.end();
}

/** Compresses text with brotli or gzip when the client accepts it. */
function sendText(req: http.IncomingMessage, res: http.ServerResponse, status: number, type: string, text: string, cache: string): void {
  const accepted = acceptedEncodings(String(req.headers['accept-encoding'] ?? ''));
  const raw = Buffer.from(text);
  let body = raw;
  const headers: Record<string, string> = { 'content-type': type, 'cache-control': cache, vary: 'Accept-Encoding' };
  if (accepted.has('br')) {
    body = brotliCompressSync(raw);
    headers['content-encoding'] = 'br';
  } else if (accepted.has('gzip')) {
    body = gzipSync(raw);
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = String(body.length);
  res.writeHead(status, headers);
  res.end(body);
}

/** Codings of an Accept-Encoding header, without those refused by q=0. */
function acceptedEncodings(header: string): Set<string> {
  const out = new Set<string>();
  for (const part of header.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find((v) => v !== undefined);
    if (coding && (q === undefined || Number(q) > 0)) out.add(coding);
  }
  return out;
}
