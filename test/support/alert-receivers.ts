import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { SMTPServer } from 'smtp-server';

const run = promisify(execFile);

/** A self-signed certificate for an IP address, made with openssl; its PEM doubles as the CA file. */
export async function selfSignedCert(dir: string, ip: string): Promise<{ cert: string; key: string; caFile: string }> {
  const keyFile = path.join(dir, 'receiver-key.pem');
  const caFile = path.join(dir, 'receiver-cert.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', caFile, '-days', '2', '-subj', `/CN=${ip}`, '-addext', `subjectAltName=IP:${ip}`]);
  return { cert: await readFile(caFile, 'utf8'), key: await readFile(keyFile, 'utf8'), caFile };
}

/** One POST a receiver got, with the raw body as sent (signatures are over it). */
export interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  json: any;
  /** The status the receiver answered. */
  answered: number;
}

/**
 * An HTTPS server on `host` that records every POST. `answer` picks the status per request (e.g.
 * 500 twice, then 200) for a path; 200 by default.
 */
export async function startHttpsReceiver(host: string, tls: { cert: string; key: string }, answer: (path: string, nth: number) => number = () => 200) {
  const received: Received[] = [];
  const counts = new Map<string, number>();
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const p = req.url ?? '/';
      const nth = (counts.get(p) ?? 0) + 1;
      counts.set(p, nth);
      const status = answer(p, nth);
      const raw = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = JSON.parse(raw);
      } catch {
        json = null;
      }
      received.push({ path: p, headers: req.headers, raw, json, answered: status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'try again later');
    });
  });
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: (p: string) => `https://${host}:${port}${p}`,
    received,
    /** What reached `path` and was answered with a 2xx. */
    delivered: (p: string) => received.filter((r) => r.path === p && r.answered < 300),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A message an SMTP receiver got: envelope and the raw RFC 5322 text. */
export interface Mail {
  to: string[];
  raw: string;
}

/** A local SMTP server on `host` (no TLS, no auth) that keeps every message. */
export async function startSmtpReceiver(host: string) {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://${host}:${port}`, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The decoded text of a simple message (quoted-printable soft breaks and escapes undone). */
export function mailText(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}
