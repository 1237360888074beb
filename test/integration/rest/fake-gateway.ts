import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake gateway received. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  query: string;
  variables: Record<string, unknown>;
  /** The connecting socket's address (the adapter's). */
  remoteAddress: string | undefined;
}

export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
  /** Answer only after this many milliseconds (a slow mutation). */
  delayMs?: number;
}

/**
 * A stand-in for the gateway, on a loopback address of the test's own: records every request and
 * answers with what `respond` returns (by default `{ data: {} }`), so the adapter's framework can be
 * tested against every answer the real gateway gives, including the rare ones.
 */
export async function startFakeGateway(host: string): Promise<{
  url: string;
  seen: SeenRequest[];
  respond: (r: SeenRequest) => FakeAnswer;
  setResponder(fn: (r: SeenRequest) => FakeAnswer): void;
  healthy: boolean;
  close(): Promise<void>;
}> {
  const state = {
    seen: [] as SeenRequest[],
    respond: ((): FakeAnswer => ({ body: { data: {} } })) as (r: SeenRequest) => FakeAnswer,
    healthy: true,
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/healthz') {
        res.writeHead(state.healthy ? 200 : 503).end();
        return;
      }
      const parsed = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string; variables?: Record<string, unknown> }) : { query: '' };
      const seen: SeenRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        query: parsed.query,
        variables: parsed.variables ?? {},
        remoteAddress: req.socket.remoteAddress,
      };
      state.seen.push(seen);
      const answer = state.respond(seen);
      const send = () => res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify(answer.body));
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}/graphql`,
    get seen() {
      return state.seen;
    },
    get respond() {
      return state.respond;
    },
    setResponder(fn) {
      state.respond = fn;
    },
    get healthy() {
      return state.healthy;
    },
    set healthy(v: boolean) {
      state.healthy = v;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
