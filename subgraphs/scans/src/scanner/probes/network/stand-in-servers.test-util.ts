import http from 'node:http';
import net from 'node:net';

/**
 * Stand-in servers for the network checks' unit tests: each answers the one exchange a check sends
 * the way the real service does (bytes taken from the protocols' specifications and from captures of
 * redis 7.0, memcached 1.6, vsftpd 3.0.3, PostgreSQL 16 and MongoDB 7), in a positive and a negative
 * flavour. They listen on the test's own loopback address only.
 */
export const TEST_HOST = '127.0.0.14';

export interface StandIn {
  port: number;
  /** Everything each connection sent, in order of connection. */
  received: Buffer[];
  close(): Promise<void>;
}

/** A TCP server whose `onData` sees the whole input so far and may answer; `greeting` is sent on connect. */
export async function tcpStandIn(
  handler: { greeting?: Buffer | string; onData?: (all: Buffer, socket: net.Socket) => void },
  port = 0,
): Promise<StandIn> {
  const received: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const index = received.push(Buffer.alloc(0)) - 1;
    if (handler.greeting !== undefined) socket.write(handler.greeting);
    socket.on('data', (chunk: Buffer) => {
      received[index] = Buffer.concat([received[index]!, chunk]);
      handler.onData?.(received[index]!, socket);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, TEST_HOST, () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Lines (CRLF-terminated) received so far, for line protocols. */
function lines(all: Buffer): string[] {
  const text = all.toString('latin1');
  return text.split('\r\n').slice(0, -1);
}

/** Redis 7.0: INFO server as a bulk string, or -NOAUTH when a password is required. */
export function redisStandIn(opts: { requirePassword: boolean }, port = 0): Promise<StandIn> {
  const info =
    '# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:00000000\r\nredis_mode:standalone\r\nos:Linux 6.1.0 x86_64\r\n' +
    'arch_bits:64\r\ntcp_port:6379\r\nexecutable:/usr/bin/redis-server\r\n';
  let answered = 0;
  return tcpStandIn(
    {
      onData: (all, socket) => {
        for (const line of lines(all).slice(answered)) {
          answered++;
          if (opts.requirePassword) socket.write('-NOAUTH Authentication required.\r\n');
          else if (/^info/i.test(line)) socket.write(`$${Buffer.byteLength(info)}\r\n${info}\r\n`);
          else if (/^ping/i.test(line)) socket.write('+PONG\r\n');
          else socket.write(`-ERR unknown command '${line.split(' ')[0]}'\r\n`);
        }
      },
    },
    port,
  );
}

/** Memcached 1.6: `stats`, or CLIENT_ERROR unauthenticated when an auth file is configured. */
export function memcachedStandIn(opts: { requireAuth: boolean }, port = 0): Promise<StandIn> {
  let answered = 0;
  return tcpStandIn(
    {
      onData: (all, socket) => {
        for (const line of lines(all).slice(answered)) {
          answered++;
          if (opts.requireAuth) socket.write('CLIENT_ERROR unauthenticated\r\n');
          else if (line === 'stats') socket.write('STAT pid 4242\r\nSTAT uptime 12\r\nSTAT version 1.6.18\r\nSTAT curr_items 3\r\nEND\r\n');
          else socket.write('ERROR\r\n');
        }
      },
    },
    port,
  );
}

/** vsFTPd 3.0.3: 220 greeting, 331 for USER, then 230 or 530 for PASS, 221 for QUIT. */
export function ftpStandIn(opts: { anonymous: boolean }, port = 0): Promise<StandIn> {
  let answered = 0;
  return tcpStandIn(
    {
      greeting: '220 (vsFTPd 3.0.3)\r\n',
      onData: (all, socket) => {
        for (const line of lines(all).slice(answered)) {
          answered++;
          if (/^USER /i.test(line)) socket.write('331 Please specify the password.\r\n');
          else if (/^PASS /i.test(line)) socket.write(opts.anonymous ? '230-Welcome, archive user\r\n230 Login successful.\r\n' : '530 Login incorrect.\r\n');
          else if (/^QUIT/i.test(line)) socket.end('221 Goodbye.\r\n');
          else socket.write('530 Please login with USER and PASS.\r\n');
        }
      },
    },
    port,
  );
}

function pgMessage(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n, 0);
  return b;
}

/** PostgreSQL 16: AuthenticationOk + ParameterStatus + ReadyForQuery (trust), or a SASL / MD5 request. */
export function postgresStandIn(opts: { method: 'trust' | 'scram' | 'md5' | 'no-hba' }, port = 0): Promise<StandIn> {
  return tcpStandIn(
    {
      onData: (all, socket) => {
        if (all.length < 4 || all.length < all.readInt32BE(0)) return;
        if (all.length > all.readInt32BE(0)) return; // Terminate arrived after startup: nothing to answer.
        if (opts.method === 'trust') {
          socket.write(
            Buffer.concat([
              pgMessage('R', int32(0)),
              pgMessage('S', Buffer.from('server_version\x0016.4 (Debian 16.4-1.pgdg120+1)\x00', 'latin1')),
              pgMessage('S', Buffer.from('server_encoding\x00UTF8\x00', 'latin1')),
              pgMessage('K', Buffer.concat([int32(1234), int32(5678)])),
              pgMessage('Z', Buffer.from('I')),
            ]),
          );
        } else if (opts.method === 'scram') {
          socket.write(pgMessage('R', Buffer.concat([int32(10), Buffer.from('SCRAM-SHA-256\x00\x00', 'latin1')])));
        } else if (opts.method === 'md5') {
          socket.write(pgMessage('R', Buffer.concat([int32(5), Buffer.from([1, 2, 3, 4])])));
        } else {
          socket.end(pgMessage('E', Buffer.from('SFATAL\x00C28000\x00Mno pg_hba.conf entry for host "127.0.0.14", user "postgres"\x00\x00', 'utf8')));
        }
      },
    },
    port,
  );
}

/** A BSON value for the stand-in's replies (written independently of bson.ts, so the test checks it). */
type Bson = number | string | boolean | Bson[] | { [key: string]: Bson } | { double: number };

function bsonDoc(doc: Record<string, Bson>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of Object.entries(doc)) {
    const name = Buffer.from(`${key}\0`);
    if (typeof value === 'string') {
      const s = Buffer.from(`${value}\0`);
      const len = Buffer.alloc(4);
      len.writeInt32LE(s.length);
      parts.push(Buffer.from([2]), name, len, s);
    } else if (typeof value === 'boolean') {
      parts.push(Buffer.from([8]), name, Buffer.from([value ? 1 : 0]));
    } else if (typeof value === 'number') {
      const n = Buffer.alloc(4);
      n.writeInt32LE(value);
      parts.push(Buffer.from([0x10]), name, n);
    } else if (Array.isArray(value)) {
      parts.push(Buffer.from([4]), name, bsonDoc(Object.fromEntries(value.map((v, i) => [String(i), v]))));
    } else if ('double' in value && typeof value.double === 'number') {
      const d = Buffer.alloc(8);
      d.writeDoubleLE(value.double);
      parts.push(Buffer.from([1]), name, d);
    } else {
      parts.push(Buffer.from([3]), name, bsonDoc(value as Record<string, Bson>));
    }
  }
  const body = Buffer.concat(parts);
  const size = Buffer.alloc(4);
  size.writeInt32LE(body.length + 5);
  return Buffer.concat([size, body, Buffer.from([0])]);
}

/** MongoDB 7: OP_MSG reply to listDatabases, `ok: 1` with databases or `ok: 0` Unauthorized (code 13). */
export function mongoStandIn(opts: { requireAuth: boolean }, port = 0): Promise<StandIn> {
  return tcpStandIn(
    {
      onData: (all, socket) => {
        if (all.length < 16 || all.length < all.readInt32LE(0)) return;
        const requestId = all.readInt32LE(4);
        const isListDatabases = all.readInt32LE(12) === 2013 && all.includes(Buffer.from('listDatabases\0')) && all.includes(Buffer.from('admin\0'));
        const reply: Record<string, Bson> = !isListDatabases
          ? { ok: { double: 0 }, errmsg: 'no such command', code: 59, codeName: 'CommandNotFound' }
          : opts.requireAuth
            ? { ok: { double: 0 }, errmsg: 'command listDatabases requires authentication', code: 13, codeName: 'Unauthorized' }
            : { databases: [{ name: 'admin' }, { name: 'config' }, { name: 'local' }, { name: 'shop' }], ok: { double: 1 } };
        const doc = bsonDoc(reply);
        const head = Buffer.alloc(21);
        head.writeInt32LE(21 + doc.length, 0);
        head.writeInt32LE(99, 4);
        head.writeInt32LE(requestId, 8);
        head.writeInt32LE(2013, 12);
        socket.write(Buffer.concat([head, doc]));
      },
    },
    port,
  );
}

/** An HTTP stand-in answering JSON per path; anything else is 404. */
export async function httpStandIn(routes: Record<string, { status: number; body: unknown; headers?: Record<string, string> }>, port = 0): Promise<StandIn & { paths: string[] }> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    const route = routes[req.url ?? ''];
    res.writeHead(route?.status ?? 404, { 'content-type': 'application/json', ...route?.headers });
    res.end(JSON.stringify(route?.body ?? { error: 'not found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, TEST_HOST, () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    received: [],
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Port ranges for closedPorts(), one per test file, so files running at once never pick the same port. */
export const PORT_RANGES = {
  portScan: [20_000, 24_000],
  portsProbe: [24_000, 26_000],
  realServices: [26_000, 28_000],
} as const satisfies Record<string, readonly [number, number]>;

/**
 * Ports that are closed on TEST_HOST: bound, then released. They are taken below the kernel's
 * ephemeral range (32768+), so no other process's port-0 listener can land on one by chance, and
 * from the calling file's own range.
 */
export async function closedPorts(count: number, [from, to]: readonly [number, number]): Promise<number[]> {
  const ports: number[] = [];
  let candidate = from + Math.floor(Math.random() * Math.max(1, to - from - count * 2));
  while (ports.length < count && candidate < to) {
    const server = net.createServer();
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(candidate, TEST_HOST, () => resolve(true));
    });
    if (bound) {
      ports.push(candidate);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    candidate++;
  }
  if (ports.length < count) throw new Error(`only ${ports.length} of ${count} free ports found on ${TEST_HOST} in ${from}-${to}`);
  return ports;
}
