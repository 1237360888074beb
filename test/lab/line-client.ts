import net from 'node:net';

/**
 * A minimal line-protocol client over a raw TCP socket (FTP, Redis, memcached), so the lab's own
 * tests speak each protocol with nothing of the scanner in between.
 */
export class LineClient {
  private buffer = '';
  private waiters: (() => void)[] = [];
  private closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined); // surfaced as 'close' to the waiting read
  }

  static connect(host: string, port: number, timeoutMs = 5_000): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect ${host}:${port} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new LineClient(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  /** Reads until the received text matches `until` (e.g. the end of a multi-line reply). */
  async read(until: RegExp, timeoutMs = 5_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = until.exec(this.buffer);
      if (m) {
        const end = m.index + m[0].length;
        const out = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end);
        return out;
      }
      if (this.closed) throw new Error(`connection closed before ${until}; got ${JSON.stringify(this.buffer)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${until}; got ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends a line and reads the reply up to `until`. */
  async ask(line: string, until: RegExp): Promise<string> {
    this.send(line);
    return this.read(until);
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
