import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { recordTokensIn } from './token-audit.js';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

/** POSTs one operation to a GraphQL endpoint with an API key. */
export async function gql<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  recordTokensIn(text);
  const body = JSON.parse(text) as GraphQLResponse<T>;
  return { ...body, status: res.status };
}

/** A graphql-ws client on the gateway, authenticated with connection params. */
export function wsClient(httpUrl: string, apiKey: string): Client {
  return createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { 'x-api-key': apiKey },
    retryAttempts: 0,
    lazy: true,
  });
}

/**
 * Subscribes and collects every event until the stream completes or `until` says stop.
 * Resolves with the events; rejects on a stream error or when the deadline passes.
 */
export function collect<T>(client: Client, query: string, variables: Record<string, unknown>, opts: { deadlineMs: number; until?: (e: T) => boolean; onEvent?: (e: T, index: number) => void }): Promise<T[]> {
  const events: T[] = [];
  return new Promise<T[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      dispose();
      reject(new Error(`subscription did not end within ${opts.deadlineMs} ms; got ${JSON.stringify(events)}`));
    }, opts.deadlineMs);
    const dispose = client.subscribe<T>(
      { query, variables },
      {
        next: (msg) => {
          if (msg.errors?.length) {
            clearTimeout(timer);
            dispose();
            reject(new Error(JSON.stringify(msg.errors)));
            return;
          }
          const e = msg.data as T;
          recordTokensIn(JSON.stringify(e));
          events.push(e);
          opts.onEvent?.(e, events.length - 1);
          if (opts.until?.(e)) {
            clearTimeout(timer);
            dispose();
            resolve(events);
          }
        },
        error: (err) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(JSON.stringify(err)));
        },
        complete: () => {
          clearTimeout(timer);
          resolve(events);
        },
      },
    );
  });
}

/** Polls `fn` until it returns a truthy value or the deadline passes. */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, deadlineMs: number, what: string): Promise<T> {
  const end = Date.now() + deadlineMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not happen within ${deadlineMs} ms${last ? `: ${String(last)}` : ''}`);
}
