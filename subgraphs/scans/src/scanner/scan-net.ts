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
      const timer = setTimeout(() => done(new ConnectError(`connect to ${address}:${port} timed out after ${timeoutMs} ms`, 'ETIMEDOUT')), timeoutMs);
      if (opts.tls) {
        socket = tls.connect({ rejectUnauthorized: false, ...opts.tls, host: address, port, ...(opts.tls.servername !== undefined ? {} : { servername: '' }) });
        socket.once('secureConnect', () => done(null));
      } else {
        socket = net.connect({ host: address, port });
        socket.once('connect', () => done(null));
      }
      socket.once('error', (err: NodeJS.ErrnoException) => done(new ConnectError(`${address}:${port}: ${err.message}`, err.code ?? 'ECONNECT')));
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
