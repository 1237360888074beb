import type { Socket } from 'node:net';
import { ConnectError, type ScanNet } from '../../scan-net.js';

/** Largest reply a service check keeps; anything past it is not read. */
export const MAX_REPLY_BYTES = 64 * 1024;

export interface ReadOptions {
  /** True once `data` holds a whole reply; checked after every chunk. */
  complete?: (data: Buffer) => boolean;
  timeoutMs: number;
  maxBytes?: number;
  /** Once something arrived, wait at most this long for more (or for `complete`), then return it. */
  settleMs?: number;
}

export interface ReadResult {
  data: Buffer;
  /** `complete` said yes (false: timed out, peer closed, or the size cap was hit). */
  complete: boolean;
}

/**
 * One TCP conversation with a service, for banner reads and single-exchange checks: connects
 * through ScanNet (policy-checked), buffers what the peer says and hands it out reply by reply.
 * Never rejects for the peer's behaviour once connected: a silent or closing peer yields what it sent.
 */
export class TcpSession {
  private buffered: Buffer[] = [];
  private size = 0;
  private ended = false;
  private wake: (() => void) | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly signal: AbortSignal,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered.push(chunk);
      this.size += chunk.length;
      this.wake?.();
    });
    const end = (): void => {
      this.ended = true;
      this.wake?.();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Connects; rejects with ConnectError (or the abort reason) like ScanNet.connect. */
  static async open(net: ScanNet, address: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<TcpSession> {
    signal.throwIfAborted();
    const socket = await net.connect(address, port, { timeoutMs });
    return new TcpSession(socket, signal);
  }

  private readonly onAbort = (): void => {
    this.close();
  };

  write(data: string | Buffer): void {
    if (!this.ended) this.socket.write(data);
  }

  /** Waits for a whole reply (or the timeout, close or size cap) and consumes what was buffered. */
  async read(opts: ReadOptions): Promise<ReadResult> {
    const maxBytes = opts.maxBytes ?? MAX_REPLY_BYTES;
    const deadline = Date.now() + opts.timeoutMs;
    let settleAt: number | null = null;
    for (;;) {
      const data = this.size === 0 ? Buffer.alloc(0) : Buffer.concat(this.buffered, this.size);
      if (opts.complete?.(data)) return this.take(data, true);
      if (this.ended || this.size >= maxBytes || this.signal.aborted) return this.take(data, false);
      if (opts.settleMs !== undefined && this.size > 0) settleAt ??= Date.now() + opts.settleMs;
      const wakeAt = Math.min(deadline, settleAt ?? Infinity);
      const remaining = wakeAt - Date.now();
      if (remaining <= 0) return this.take(data, false);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, remaining);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
      this.wake = null;
    }
  }

  close(): void {
    this.signal.removeEventListener('abort', this.onAbort);
    if (this.socket.writableLength > 0 && !this.socket.destroyed && !this.signal.aborted) {
      // A last message (QUIT, Terminate) is still queued: let it out before hanging up.
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1_000).unref();
    } else {
      this.socket.destroy();
    }
    this.ended = true;
    this.wake?.();
  }

  private take(data: Buffer, complete: boolean): ReadResult {
    this.buffered = [];
    this.size = 0;
    return { data, complete };
  }
}

/** Opens a session, runs `talk` and always closes it; connect failures and timeouts yield null. */
export async function withSession<T>(
  net: ScanNet,
  address: string,
  port: number,
  opts: { timeoutMs: number; signal: AbortSignal },
  talk: (session: TcpSession) => Promise<T>,
): Promise<T | null> {
  let session: TcpSession;
  try {
    session = await TcpSession.open(net, address, port, opts.timeoutMs, opts.signal);
  } catch (err) {
    // Only "nothing listens / nothing answers" is ordinary; a policy refusal or abort is not.
    if (err instanceof ConnectError && !opts.signal.aborted) return null;
    throw err;
  }
  try {
    return await talk(session);
  } finally {
    session.close();
  }
}

/** Longest wait for one reply of a service check: the profile's timeout, capped so a silent port costs little. */
export function exchangeTimeout(ctx: { profile: { requestTimeoutMs: number } }): number {
  return Math.min(ctx.profile.requestTimeoutMs, 5_000);
}
