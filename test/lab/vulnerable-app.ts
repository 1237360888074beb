import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { Readable } from 'node:stream';
import type { PlantedSecrets } from './planted-secrets.js';
import {
  ABOUT_PAGE,
  backupZip,
  dotEnv,
  GIT_CONFIG,
  GIT_HEAD,
  NOT_FOUND_PAGE,
  PHPINFO,
  SERVER_STATUS,
  SITE_CSS,
  UPLOAD_FILES,
  UPLOADS_LISTING,
  VENDOR_JS,
  VENDOR_JS_MAP,
  vulnerableAppJs,
  vulnerableAppJsMap,
  vulnerableHomePage,
} from './vulnerable-content.js';
import type { RouteHandler } from './web-app.js';

/** Largest body /huge streams: far past any profile's maxBodyBytes, produced lazily, never held. */
export const HUGE_BODY_BYTES = 1024 ** 3;
const HUGE_CHUNK = Buffer.alloc(64 * 1024, 'A');

/** The weak CSP: present, but 'unsafe-inline' and 'unsafe-eval' undo it, and it has no frame-ancestors. */
export const VULNERABLE_CSP = "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'";

const HTML = 'text/html; charset=utf-8';
const TEXT = 'text/plain; charset=utf-8';
const JS = 'application/javascript; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

type Route = { type: string; body: Buffer | string; headers?: Record<string, string> } | ((req: http.IncomingMessage, res: http.ServerResponse) => void);

/**
 * Routes of the vulnerable app. Same answers over HTTP and HTTPS (no redirect, no HSTS). Every
 * response names nginx/1.18.0 and PHP/7.4.3 and reflects any Origin with credentials; nothing is
 * compressed and nothing is cacheable; unknown paths are real 404s, so path probes are not fooled.
 */
/** What the vulnerable app counts for budget tests. */
export interface VulnerableCounters {
  /** Bytes of /huge handed to the socket, all responses together. */
  hugeBytesSent: number;
}

export function handleVulnerable(secrets: PlantedSecrets, counters: VulnerableCounters = { hugeBytesSent: 0 }): RouteHandler {
  const routes: Record<string, Route> = {
    '/': {
      type: HTML,
      body: vulnerableHomePage(secrets),
      // One session cookie, without Secure, HttpOnly or SameSite.
      headers: { 'set-cookie': `PHPSESSID=${randomBytes(16).toString('hex')}; path=/`, 'content-security-policy': VULNERABLE_CSP },
    },
    '/about': { type: HTML, body: ABOUT_PAGE, headers: { 'content-security-policy': VULNERABLE_CSP } },
    '/static/app.js': { type: JS, body: vulnerableAppJs(secrets) },
    '/static/app.js.map': { type: JSON_TYPE, body: vulnerableAppJsMap(secrets) },
    '/static/vendor.js': { type: JS, body: VENDOR_JS },
    '/static/vendor.js.map': { type: JSON_TYPE, body: VENDOR_JS_MAP },
    '/static/site.css': { type: 'text/css; charset=utf-8', body: SITE_CSS },
    '/.git/HEAD': { type: TEXT, body: GIT_HEAD },
    '/.git/config': { type: TEXT, body: GIT_CONFIG },
    '/.env': { type: TEXT, body: dotEnv() },
    '/backup.zip': { type: 'application/zip', body: backupZip() },
    '/server-status': { type: HTML, body: SERVER_STATUS },
    '/uploads': (_req, res) => send(res, 301, HTML, '', { location: '/uploads/' }),
    '/uploads/': { type: HTML, body: UPLOADS_LISTING },
    '/phpinfo.php': { type: HTML, body: PHPINFO },
    '/tarpit/silent': () => undefined, // accepted, read, never answered
    '/tarpit/slow': slowDrip,
    '/huge': (req, res) => huge(req, res, counters),
  };
  for (const [name, file] of Object.entries(UPLOAD_FILES)) routes[`/uploads/${name}`] = { type: file.type, body: file.body };

  return (req, res) => {
    res.setHeader('server', 'nginx/1.18.0');
    res.setHeader('x-powered-by', 'PHP/7.4.3');
    reflectCors(req, res);
    if (req.method === 'OPTIONS') return send(res, 204, TEXT, '');
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routes[path];
    if (!route) return send(res, 404, HTML, NOT_FOUND_PAGE);
    if (typeof route === 'function') return route(req, res);
    send(res, 200, route.type, route.body, route.headers);
  };
}

/** Any Origin (also `null`) is echoed back with credentials allowed: every site can read as the user. */
function reflectCors(req: http.IncomingMessage, res: http.ServerResponse): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('access-control-allow-credentials', 'true');
  res.setHeader('vary', 'Origin');
  if (req.method === 'OPTIONS') {
    res.setHeader('access-control-allow-methods', 'GET, POST, PUT, DELETE, OPTIONS');
    res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] ?? 'content-type');
  }
}

function send(res: http.ServerResponse, status: number, type: string, body: Buffer | string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Headers at once, then one byte a second for as long as the client stays. */
function slowDrip(_req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': TEXT });
  res.flushHeaders();
  const timer = setInterval(() => res.write('.'), 1_000);
  res.once('close', () => clearInterval(timer));
}

/** Streams up to 1 GiB on demand (backpressure decides the pace); stops when the client goes away. */
function huge(_req: http.IncomingMessage, res: http.ServerResponse, counters: VulnerableCounters): void {
  let sent = 0;
  const body = new Readable({
    read() {
      if (sent >= HUGE_BODY_BYTES) return void this.push(null);
      const n = Math.min(HUGE_CHUNK.length, HUGE_BODY_BYTES - sent);
      sent += n;
      counters.hugeBytesSent += n;
      this.push(n === HUGE_CHUNK.length ? HUGE_CHUNK : HUGE_CHUNK.subarray(0, n));
    },
  });
  res.writeHead(200, { 'content-type': TEXT });
  res.once('close', () => body.destroy());
  body.pipe(res);
}
