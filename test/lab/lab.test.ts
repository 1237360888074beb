import http from 'node:http';
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accepts } from './lab-process.js';
import { LineClient } from './line-client.js';
import { startLabServices, type LabServices } from './services.js';

const ADDRESS = '127.0.0.3';

describe('lab services on 127.0.0.3', () => {
  let lab: LabServices;
  let startMs = 0;

  beforeAll(async () => {
    const t0 = Date.now();
    lab = await startLabServices();
    startMs = Date.now() - t0;
  });

  afterAll(async () => {
    await lab?.stop();
  });

  it('starts every service on its standard port, quickly', () => {
    expect(lab.address).toBe(ADDRESS);
    expect(lab.ports).toEqual({ ftp: 21, http: 80, postgres: 5432, redis: 6379, memcached: 11211 });
    // The target is < 3 s; the bound leaves room for a loaded CI machine.
    expect(startMs).toBeLessThan(15_000);
  });

  it('serves redis without authentication', async () => {
    const c = await LineClient.connect(ADDRESS, lab.ports.redis);
    try {
      expect(await c.ask('PING', /\r\n/)).toBe('+PONG\r\n');
      const info = await c.ask('INFO server', /\r\n\r\n/);
      expect(info).toMatch(/redis_version:\d+\.\d+/);
      expect(await c.ask('SET lab:key planted', /\r\n/)).toBe('+OK\r\n');
      expect(await c.ask('GET lab:key', /planted\r\n/)).toContain('planted');
    } finally {
      c.close();
    }
  });

  it('serves memcached over TCP', async () => {
    const c = await LineClient.connect(ADDRESS, lab.ports.memcached);
    try {
      expect(await c.ask('version', /\r\n/)).toMatch(/^VERSION \d+\.\d+/);
      expect(await c.ask('stats', /END\r\n/)).toMatch(/STAT pid \d+/);
    } finally {
      c.close();
    }
  });

  it('serves an nginx directory listing that names the nginx version', async () => {
    const res = await get(`http://${ADDRESS}:${lab.ports.http}/`);
    expect(res.status).toBe(200);
    expect(res.headers.server).toMatch(/^nginx\/\d+\.\d+\.\d+$/);
    expect(res.body).toContain('<title>Index of /</title>');
    for (const top of ['README.txt', 'db-dump-2021.sql', 'old/']) expect(res.body).toContain(`href="${top}"`);
  });

  it('serves anonymous FTP with a vsftpd banner', async () => {
    const c = await LineClient.connect(ADDRESS, lab.ports.ftp);
    try {
      expect(await c.read(/^220 .*\r\n/m)).toMatch(/^220 \(vsFTPd \d/);
      expect(await c.ask('USER anonymous', /^\d{3} .*\r\n/m)).toMatch(/^230 /);
      expect(await c.ask('PWD', /^\d{3} .*\r\n/m)).toMatch(/^257 "\/"/);
      expect(await c.ask('PASV', /^\d{3} .*\r\n/m)).toMatch(/^227 Entering Passive Mode \(127,0,0,3,/);
      expect(await c.ask('QUIT', /^\d{3} .*\r\n/m)).toMatch(/^221 /);
    } finally {
      c.close();
    }
  });

  it('serves PostgreSQL that lets anyone in as postgres without a password', async () => {
    const client = new pg.Client({ host: ADDRESS, port: lab.ports.postgres, user: 'postgres', database: 'postgres' });
    await client.connect();
    try {
      const r = await client.query<{ v: string; su: boolean }>("select version() as v, current_setting('is_superuser') = 'on' as su");
      expect(r.rows[0]!.v).toMatch(/^PostgreSQL \d+/);
      expect(r.rows[0]!.su).toBe(true);
    } finally {
      await client.end();
    }
  });

  it('refuses a second start of the same lab in the same process', async () => {
    await expect(startLabServices()).rejects.toThrow(/already running in this process/);
  });
});

describe('lab services lifecycle', () => {
  it('releases every port on stop, so the lab can start again at once', async () => {
    // A separate address, so this does not wait for the suite above to release 127.0.0.3.
    const address = '127.0.0.33';
    const first = await startLabServices({ address });
    await first.stop();
    for (const port of [21, 80, 5432, 6379, 11211]) expect(await accepts(address, port)).toBe(false);
    const second = await startLabServices({ address });
    try {
      expect(await accepts(address, 6379)).toBe(true);
    } finally {
      await second.stop();
    }
  });

  it('fails clearly when a port is taken, leaving nothing running', async () => {
    const address = '127.0.0.34';
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(6379, address, resolve));
    try {
      await expect(startLabServices({ address })).rejects.toThrow(/redis-server: 127\.0\.0\.34:6379 is already taken/);
      for (const port of [21, 80, 5432, 11211]) expect(await accepts(address, port)).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    const lab = await startLabServices({ address }); // the failed start released the lock
    await lab.stop();
  });
});

function get(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}
