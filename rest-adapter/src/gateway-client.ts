import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

/** What the gateway answered to one operation: status, headers and the parsed JSON body. */
export interface GatewayAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The parsed body; undefined when it was not JSON. */
  body: unknown;
}

/** The gateway could not be reached or did not answer in time (503 service_unavailable). */
export class GatewayUnavailableError extends Error {}

/**
 * POSTs GraphQL operations to the gateway over kept-alive connections (node:http rather than
 * fetch: a REST request is one extra hop in front of the gateway, and the hop should cost little).
 */
export class GatewayClient {
  private readonly url: URL;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;

  constructor(
    url: string,
    private readonly timeoutMs: number,
  ) {
    this.url = new URL(url);
    this.transport = this.url.protocol === 'https:' ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 });
  }

  /** The gateway's origin (for links and health checks). */
  get origin(): string {
    return this.url.origin;
  }

  post(query: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<GatewayAnswer> {
    const payload = Buffer.from(JSON.stringify({ query, variables }));
    return this.send('POST', this.url, payload, {
      ...headers,
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      'content-length': String(payload.length),
    });
  }

  /** True when the gateway's /healthz answers 200 within the timeout. */
  async healthy(timeoutMs = 2000): Promise<boolean> {
    try {
      const answer = await this.send('GET', new URL('/healthz', this.url), null, {}, timeoutMs);
      return answer.status === 200;
    } catch {
      return false;
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private send(method: string, url: URL, payload: Buffer | null, headers: Record<string, string>, timeoutMs = this.timeoutMs): Promise<GatewayAnswer> {
    return new Promise<GatewayAnswer>((resolve, reject) => {
      const req = this.transport.request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('error', (err) => reject(new GatewayUnavailableError(err.message)));
        res.once('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body });
        });
      });
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      req.once('error', (err) => {
        clearTimeout(timer);
        reject(new GatewayUnavailableError(err.message));
      });
      req.end(payload ?? undefined);
    });
  }
}
