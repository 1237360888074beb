import type { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { safeFetch, SafeFetchTimeoutError, type SafeFetchOptions, type SafeResponse } from './safe-fetch.js';
import { INDEFINITE_CODES } from './scan-net.js';

/** The scan's HTTP request budget is spent; the request was not sent. */
export class BudgetExhaustedError extends Error {
  constructor(budget: number) {
    super(`The scan's request budget (${budget} requests) is spent`);
    this.name = 'BudgetExhaustedError';
  }
}

export interface ScanHttpOptions {
  policy: AddressPolicy;
  /** Resolves a hostname; the engine passes one that answers each name once per scan (pinned). */
  resolve: (hostname: string) => Promise<string[]>;
  requestBudget: number;
  perHostConcurrency: number;
  requestTimeoutMs: number;
  maxBodyBytes: number;
  userAgent: string;
  ca?: string;
  signal: AbortSignal;
}

export type ScanRequest = Pick<SafeFetchOptions, 'method' | 'headers' | 'followRedirects' | 'maxBodyBytes' | 'maxRedirects'> & {
  timeoutMs?: number;
};

/** One request as sent, for the scan's record and for tests that compare with a lab's log. */
export interface SentRequest {
  method: string;
  url: string;
  address: string;
}

/**
 * The scanner's only HTTP client: every request is policy-checked (each redirect hop too), counted
 * against the scan's budget, limited per host, and bounded in time and size.
 */
export class ScanHttp {
  private spent = 0;
  private readonly slots = new Map<string, Semaphore>();
  readonly sent: SentRequest[] = [];
  /**
   * Hostnames a request to which failed without a definite answer (timeout, reset, cut-off body):
   * what the scan did not see there cannot be taken as proof that a problem is gone.
   */
  readonly unreliable = new Set<string>();

  constructor(private readonly opts: ScanHttpOptions) {}

  /** Requests sent so far (each redirect hop counts). */
  get requestCount(): number {
    return this.spent;
  }

  async fetch(url: string, req: ScanRequest = {}): Promise<SafeResponse> {
    const host = hostKey(url);
    let slot = this.slots.get(host);
    if (!slot) this.slots.set(host, (slot = new Semaphore(this.opts.perHostConcurrency)));
    return slot.use(() =>
      this.send(url, req).catch((err: unknown) => {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        const indefinite = err instanceof SafeFetchTimeoutError || INDEFINITE_CODES.has(code) || /closed before the body/.test((err as Error).message);
        if (indefinite && !this.opts.signal.aborted) this.unreliable.add(hostnameOf(url));
        throw err;
      }),
    );
  }

  private send(url: string, req: ScanRequest): Promise<SafeResponse> {
    return safeFetch(url, {
        policy: this.opts.policy,
        resolve: this.opts.resolve,
        timeoutMs: req.timeoutMs ?? this.opts.requestTimeoutMs,
        maxBodyBytes: req.maxBodyBytes ?? this.opts.maxBodyBytes,
        ...(req.maxRedirects !== undefined ? { maxRedirects: req.maxRedirects } : {}),
        ...(req.method ? { method: req.method } : {}),
        ...(req.headers ? { headers: req.headers } : {}),
        ...(req.followRedirects !== undefined ? { followRedirects: req.followRedirects } : {}),
        ca: this.opts.ca,
        userAgent: this.opts.userAgent,
        signal: this.opts.signal,
        beforeRequest: (u, address) => {
          if (this.spent >= this.opts.requestBudget) throw new BudgetExhaustedError(this.opts.requestBudget);
          this.spent++;
          this.sent.push({ method: req.method ?? 'GET', url: u.href, address });
        },
      });
  }
}

function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return url;
  }
}

function hostKey(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Counts permits; use() runs the task once one is free. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async use<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
