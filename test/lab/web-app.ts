import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { handleHardened } from './hardened-app.js';
import { acquireLabLock, type LabLock } from './lab-lock.js';
import { plantedSecrets, type PlantedSecrets } from './planted-secrets.js';
import { handleVulnerable, type VulnerableCounters } from './vulnerable-app.js';

/** One request as the lab app received it, for assertions on what a scan sent. */
export interface RecordedRequest {
  scheme: 'http' | 'https';
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  remoteAddress: string;
  at: number;
}

/** PEM key and certificate (test/lab/certs.ts's LabKeyPair fits). */
export interface LabTlsKeyPair {
  key: string;
  cert: string;
}

export interface WebAppOptions {
  address?: string;
  /** 80 by default; 0 picks a free port (unit tests). */
  httpPort?: number;
  /** 443 by default; 0 picks a free port. */
  httpsPort?: number;
  /** Without it only the HTTP server runs. */
  cert?: LabTlsKeyPair;
  /** Names the app is reached by (besides its address): the hardened app redirects only to these. */
  hostnames?: string[];
}

/** What a route handler knows about the running app (ports are final once listening). */
export interface RouteContext {
  scheme: 'http' | 'https';
  address: string;
  httpPort: number;
  httpsPort: number | null;
  hostnames: string[];
}

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse, ctx: RouteContext) => void;

/** A running lab web app. */
export interface LabWebApp {
  address: string;
  httpPort: number;
  httpsPort: number | null;
  httpUrl: string;
  httpsUrl: string | null;
  /** Every request received on either server, in arrival order. */
  requests: RecordedRequest[];
  clearRequests(): void;
  stop(): Promise<void>;
}

export interface VulnerableApp extends LabWebApp {
  /** The credentials this process's app leaks (see planted-secrets.ts for where). */
  secrets: PlantedSecrets;
  /** Live counters (bytes of /huge sent). */
  counters: VulnerableCounters;
}

/**
 * The vulnerable web app on 127.0.0.2 (80/443 by default): every web issue the scanner checks is
 * planted once (see vulnerable-app.ts), and its TLS accepts TLS 1.0/1.1 with any cipher.
 */
export async function startVulnerableApp(opts: WebAppOptions = {}): Promise<VulnerableApp> {
  const secrets = plantedSecrets();
  const counters: VulnerableCounters = { hugeBytesSent: 0 };
  const app = await startWebApp(
    { address: '127.0.0.2', ...opts },
    handleVulnerable(secrets, counters),
    // SECLEVEL=0: OpenSSL 3 refuses TLS 1.0/1.1 (and SHA-1, small keys) at its default level.
    { minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' },
  );
  return { ...app, secrets, counters };
}

/** The hardened web app on 127.0.0.4: the same kind of site, configured the way the checks recommend. */
export function startHardenedApp(opts: WebAppOptions = {}): Promise<LabWebApp> {
  return startWebApp({ address: '127.0.0.4', ...opts }, handleHardened, { minVersion: 'TLSv1.2' });
}

async function startWebApp(
  opts: WebAppOptions & { address: string },
  handler: RouteHandler,
  tls: Pick<https.ServerOptions, 'minVersion' | 'ciphers'>,
): Promise<LabWebApp> {
  const wantHttp = opts.httpPort ?? 80;
  const wantHttps = opts.httpsPort ?? 443;
  // Fixed ports are shared by every test file of the run: take turns per address. Port 0 needs no turn.
  const lock: LabLock | null =
    wantHttp !== 0 || (opts.cert && wantHttps !== 0) ? await acquireLabLock(`web-${opts.address}`) : null;
  const requests: RecordedRequest[] = [];
  const base = { address: opts.address, httpPort: 0, httpsPort: null as number | null, hostnames: opts.hostnames ?? [] };
  const serve =
    (scheme: 'http' | 'https') =>
    (req: http.IncomingMessage, res: http.ServerResponse): void => {
      requests.push({
        scheme,
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        remoteAddress: req.socket.remoteAddress ?? '',
        at: Date.now(),
      });
      try {
        handler(req, res, { ...base, scheme });
      } catch (err) {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(err));
      }
    };
  const servers: http.Server[] = [];
  try {
    const plain = http.createServer(serve('http'));
    servers.push(plain);
    base.httpPort = await listen(plain, opts.address, wantHttp);
    if (opts.cert) {
      const secure = https.createServer({ key: opts.cert.key, cert: opts.cert.cert, ...tls }, serve('https'));
      servers.push(secure as unknown as http.Server);
      base.httpsPort = await listen(secure, opts.address, wantHttps);
    }
  } catch (err) {
    await Promise.all(servers.map(close));
    await lock?.release();
    throw err;
  }
  const hostPart = (port: number, standard: number): string => (port === standard ? opts.address : `${opts.address}:${port}`);
  return {
    address: opts.address,
    httpPort: base.httpPort,
    httpsPort: base.httpsPort,
    httpUrl: `http://${hostPart(base.httpPort, 80)}/`,
    httpsUrl: base.httpsPort === null ? null : `https://${hostPart(base.httpsPort, 443)}/`,
    requests,
    clearRequests: () => void requests.splice(0),
    stop: async () => {
      await Promise.all(servers.map(close));
      await lock?.release();
    },
  };
}

/** Raw sockets of each server, TLS handshakes in progress included (closeAllConnections misses those). */
const openSockets = new WeakMap<object, Set<Socket>>();

function listen(server: http.Server | https.Server, address: string, port: number): Promise<number> {
  const sockets = new Set<Socket>();
  openSockets.set(server, sockets);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.removeListener('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Closes a server at once: tarpits and streams never end by themselves, so their sockets are cut. */
function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    for (const socket of openSockets.get(server) ?? []) socket.destroy();
  });
}
