import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Every security header the first check looks for, with good values. */
export const ALL_SECURITY_HEADERS: Record<string, string> = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

export interface LabTarget {
  url: string;
  /** Requests seen, in order. */
  requests: { method: string; url: string }[];
  close(): Promise<void>;
}

/**
 * A real HTTP target on loopback that answers every request with `headers`. `hold`, when set,
 * delays each response until the returned release() is called (to catch a scan mid-flight).
 */
export async function startLabTarget(opts: {
  headers: Record<string, string>;
  host?: string;
  body?: string;
  onRequest?: (req: http.IncomingMessage) => void;
  hold?: Promise<void>;
}): Promise<LabTarget> {
  const requests: LabTarget['requests'] = [];
  const server = http.createServer(async (req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/' });
    opts.onRequest?.(req);
    if (opts.hold) await opts.hold;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...opts.headers });
    res.end(opts.body ?? '<!doctype html><title>lab</title><p>fixfirst lab target</p>');
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
