import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';

/**
 * Loopback web servers for the web probes' tests (never imported by scanner code). Each test
 * file's servers listen on 127.0.0.11, port 0, so they cannot collide with other suites.
 */
export const LAB_HOST = '127.0.0.11';

// Self-signed test-only certificate for 127.0.0.11 and localhost (P-256, valid until 2126).
const LAB_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgsd/hEIxxJ5xMmvZb
iMA8puE6woU3pw1e/LSxLshKXuqhRANCAARNtTv3dvnw009PsPqrDZNMnXw9dykp
t7zL9LqgaxqUyg6BxSnyC2gyjnVKDAzM8DO2u44glKBcowOOCpVAUoQd
-----END PRIVATE KEY-----`;
const LAB_CERT = `-----BEGIN CERTIFICATE-----
MIIBuDCCAV2gAwIBAgIUfW8Ss04zaQBHnR6PCw6Zu5Tgk8EwCgYIKoZIzj0EAwIw
IjEgMB4GA1UEAwwXZml4Zmlyc3Qgd2ViIHByb2JlIHRlc3QwIBcNMjYxMTI0MTcy
MDAxWhgPMjEyNjEwMzExNzIwMDFaMCIxIDAeBgNVBAMMF2ZpeGZpcnN0IHdlYiBw
cm9iZSB0ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAETbU793b58NNPT7D6
qw2TTJ18PXcpKbe8y/S6oGsalMoOgcUp8gtoMo51SgwMzPAztruOIJSgXKMDjgqV
QFKEHaNvMG0wHQYDVR0OBBYEFDK5Vr6+WuVM3OC1dUdY+Vs5LagIMB8GA1UdIwQY
MBaAFDK5Vr6+WuVM3OC1dUdY+Vs5LagIMA8GA1UdEwEB/wQFMAMBAf8wGgYDVR0R
BBMwEYcEfwAAC4IJbG9jYWxob3N0MAoGCCqGSM49BAMCA0kAMEYCIQD1lJa3LKXd
Ym3RDcV0UXPPMHxR4X+vg+BxCFFnlhVtvAIhAMhNfVL9wzcLcvUQZOnKKQlFnx6R
kBto3PxSZcNMQULJ
-----END CERTIFICATE-----`;

/** What a lab server answers; a string or Buffer body, any headers (arrays for Set-Cookie). */
export interface LabResponse {
  status?: number;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

export type LabHandler = (req: IncomingMessage) => LabResponse;

export interface LabRequest {
  scheme: 'http' | 'https';
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

export interface WebLab {
  /** `http://127.0.0.11:<port>/` when an HTTP handler was given. */
  httpUrl: string;
  /** `https://127.0.0.11:<port>/` when an HTTPS handler was given. */
  httpsUrl: string;
  requests: LabRequest[];
  close(): Promise<void>;
}

/** Starts an HTTP and/or an HTTPS server on the lab address, recording every request. */
export async function startWebLab(handlers: { http?: LabHandler; https?: LabHandler }): Promise<WebLab> {
  const requests: LabRequest[] = [];
  const servers: (http.Server | https.Server)[] = [];
  const listener =
    (scheme: 'http' | 'https', handler: LabHandler) =>
    (req: IncomingMessage, res: ServerResponse): void => {
      requests.push({ scheme, method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers });
      const answer = handler(req);
      res.writeHead(answer.status ?? 200, answer.headers ?? {});
      res.end(req.method === 'HEAD' ? undefined : answer.body ?? '');
    };
  const listen = async (server: http.Server | https.Server): Promise<string> => {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, LAB_HOST, () => resolve()));
    return String((server.address() as AddressInfo).port);
  };
  const httpUrl = handlers.http ? `http://${LAB_HOST}:${await listen(http.createServer(listener('http', handlers.http)))}/` : '';
  const httpsUrl = handlers.https
    ? `https://${LAB_HOST}:${await listen(https.createServer({ key: LAB_KEY, cert: LAB_CERT }, listener('https', handlers.https)))}/`
    : '';
  return {
    httpUrl,
    httpsUrl,
    requests,
    close: async () => {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
    },
  };
}

/** A lab-address port with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, LAB_HOST, () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A body of `bytes` characters of HTML, for responses that must be worth compressing. */
export function htmlOfSize(bytes: number, head = ''): string {
  const start = `<!doctype html><html><head>${head}</head><body><p>`;
  const end = '</p></body></html>';
  return start + 'x'.repeat(Math.max(0, bytes - start.length - end.length)) + end;
}
