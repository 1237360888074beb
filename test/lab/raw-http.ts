import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

/** A response as received: no redirects followed, no decompression. */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One request with Node's own client, for the lab's tests: no keep-alive, nothing followed or
 * decoded, certificates unchecked unless `ca` is given (the vulnerable app's are bad on purpose).
 */
export function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; ca?: string; servername?: string } = {},
): Promise<RawResponse> {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      u,
      {
        method: opts.method ?? 'GET',
        headers: opts.headers,
        agent: false,
        ...(u.protocol === 'https:' ? { rejectUnauthorized: opts.ca !== undefined, ca: opts.ca, servername: opts.servername } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** The TLS version a handshake limited to `version` agrees on, or the handshake's error. */
export function tlsHandshake(host: string, port: number, version: tls.SecureVersion): Promise<{ protocol: string | null } | { error: string }> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host,
      port,
      minVersion: version,
      maxVersion: version,
      ciphers: 'DEFAULT@SECLEVEL=0', // let the client offer old suites; the server decides
      rejectUnauthorized: false,
    });
    socket.setTimeout(5_000, () => socket.destroy(new Error('handshake timed out')));
    socket.once('secureConnect', () => {
      const protocol = socket.getProtocol();
      socket.destroy();
      resolve({ protocol });
    });
    socket.once('error', (err) => resolve({ error: err.message }));
  });
}

/**
 * Sends a raw GET and resolves with what arrived until `enough` bytes, the end of the response,
 * or `timeoutMs` in all, then hangs up (for tarpits and endless bodies).
 */
export function readSome(host: string, port: number, path: string, opts: { timeoutMs: number; enough: number }): Promise<{ bytes: Buffer; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const chunks: Buffer[] = [];
    let total = 0;
    const finish = (timedOut: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ bytes: Buffer.concat(chunks), timedOut });
    };
    socket.once('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
    // A total limit, not an idle one: a drip of one byte a second would reset an idle timer forever.
    const timer = setTimeout(() => finish(true), opts.timeoutMs);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      total += c.length;
      if (total >= opts.enough) finish(false);
    });
    socket.once('end', () => finish(false));
    socket.once('error', reject);
  });
}
