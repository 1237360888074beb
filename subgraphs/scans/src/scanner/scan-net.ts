import net from 'node:net';
import tls from 'node:tls';
import type { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { PolicyRefusedError } from './safe-fetch.js';

/** A TCP connect that did not complete: refused, timed out, unreachable or reset. */
export class ConnectError extends Error {
  constructor(
    message: string,
    public readonly code: string,
  ) {
    super(message);
    this.name = 'ConnectError';
  }
}

/** Errors that leave the question open (no answer, or a broken one), unlike a refusal or a TLS alert. */
export const INDEFINITE_CODES = new Set(['ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** What a port-scan connect found, in nmap's terms: accepted, refused (RST), or no answer. */
export type PortProbeResult = 'open' | 'closed' | 'filtered';

/** Connect errors meaning nothing answered (a firewall dropped or rejected the SYN), as nmap counts them. */
const FILTERED_CODES = new Set(['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EACCES', 'EPERM']);

export interface ConnectOptions {
  timeoutMs?: number;
  /** Upgrade to TLS after connecting (SNI `servername`, never rejects a certificate by itself). */
  tls?: Omit<tls.ConnectionOptions, 'socket' | 'host' | 'port'>;
}

/**
 * Raw TCP and TLS for the scanner. Only IP addresses are accepted, and each must pass the address
 * policy: callers connect to the addresses the engine resolved and checked once (no rebinding).
 */
export class ScanNet {
  /** Addresses a connect to which failed without a definite answer (timeout, reset): see ScanHttp.unreliable. */
  readonly unreliable = new Set<string>();

  constructor(
    private readonly policy: AddressPolicy,
    private readonly signal: AbortSignal,
    private readonly defaultTimeoutMs: number,
  ) {}

  /** Throws PolicyRefusedError unless `address` is an IP the policy allows. */
  assertAllowed(address: string, port?: number): void {
    const where = port === undefined ? address : `${address}:${port}`;
    if (!net.isIP(address)) throw new PolicyRefusedError(where, address, `"${address}" is not an IP address`);
    const verdict = this.policy.check(address);
    if (!verdict.allowed) throw new PolicyRefusedError(where, address, verdict.reason);
  }

  /** Opens a TCP (or TLS) connection to a checked address; rejects with ConnectError. */
  connect(address: string, port: number, opts: ConnectOptions = {}): Promise<net.Socket | tls.TLSSocket> {
    this.assertAllowed(address, port);
    this.signal.throwIfAborted();
    const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise((resolve, reject) => {
      let socket: net.Socket | tls.TLSSocket;
      const done = (err: Error | null): void => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', onAbort);
        socket.removeAllListeners('error');
        socket.removeAllListeners(opts.tls ? 'secureConnect' : 'connect');
        if (err) {
          socket.destroy();
          reject(err);
        } else {
          socket.on('error', () => undefined);
          resolve(socket);
        }
      };
      const onAbort = (): void => done(this.signal.reason as Error);
      const timer = setTimeout(() => {
        this.unreliable.add(address);
        done(new ConnectError(`connect to ${address}:${port} timed out after ${timeoutMs} ms`, 'ETIMEDOUT'));
      }, timeoutMs);
      if (opts.tls) {
        socket = tls.connect({ rejectUnauthorized: false, ...opts.tls, host: address, port, ...(opts.tls.servername !== undefined ? {} : { servername: '' }) });
        socket.once('secureConnect', () => done(null));
      } else {
        socket = net.connect({ host: address, port });
        socket.once('connect', () => done(null));
      }
      socket.once('error', (err: NodeJS.ErrnoException) => {
        if (INDEFINITE_CODES.has(err.code ?? '')) this.unreliable.add(address);
        done(new ConnectError(`${address}:${port}: ${err.message}`, err.code ?? 'ECONNECT'));
      });
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Sockets of probePort() in flight, destroyed together on abort (one listener, not one per port). */
  private probing: Set<net.Socket> | null = null;

  /**
   * The port scan's connect: whether `port` accepts a TCP connection, closed again at once. Leaner
   * than connect() for thousands of calls (no socket handed out, no per-call abort listener or
   * error object); the address is still policy-checked on every call. Rejects only with
   * PolicyRefusedError or the scan's abort reason.
   */
  probePort(address: string, port: number, timeoutMs: number): Promise<PortProbeResult> {
    try {
      this.assertAllowed(address, port);
      this.signal.throwIfAborted();
    } catch (err) {
      return Promise.reject(err as Error);
    }
    if (!this.probing) {
      const probing = (this.probing = new Set());
      this.signal.addEventListener('abort', () => probing.forEach((s) => s.destroy()), { once: true });
    }
    const probing = this.probing;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: address, port });
      probing.add(socket);
      const finish = (state: PortProbeResult): void => {
        clearTimeout(timer);
        probing.delete(socket);
        socket.destroy();
        resolve(state);
      };
      const timer = setTimeout(() => finish('filtered'), timeoutMs);
      socket.once('connect', () => finish('open'));
      socket.on('error', (err: NodeJS.ErrnoException) => finish(FILTERED_CODES.has(err.code ?? '') ? 'filtered' : 'closed'));
      // Destroyed by the abort listener before an answer: settle with the reason (a no-op if already settled).
      socket.once('close', () => {
        if (!this.signal.aborted) return;
        clearTimeout(timer);
        probing.delete(socket);
        reject(this.signal.reason);
      });
    });
  }
}
