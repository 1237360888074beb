import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProbeContext } from '../../../../../../test/support/probe-context.js';
import { ftpCheck } from './ftp.check.js';
import { memcachedCheck } from './memcached.check.js';
import { postgresCheck } from './postgres.check.js';
import { redisCheck } from './redis.check.js';
import { closedPorts, PORT_RANGES, TEST_HOST } from './stand-in-servers.test-util.js';

/**
 * The same checks against the real Debian 12 daemons (redis 7.0, memcached 1.6, vsftpd 3.0.3,
 * PostgreSQL 15), each started here on our loopback address, in an open and a locked-down setup.
 * A daemon that is not installed skips its test with the reason.
 */
const BIN = {
  redis: '/usr/bin/redis-server',
  memcached: '/usr/bin/memcached',
  vsftpd: '/usr/sbin/vsftpd',
  initdb: '/usr/lib/postgresql/15/bin/initdb',
  postgres: '/usr/lib/postgresql/15/bin/postgres',
};

const ctx = () => makeProbeContext({ target: TEST_HOST, targetType: 'IP', mode: 'ACTIVE' });
const running: ChildProcess[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const child of running) child.kill('SIGTERM');
  await Promise.all(running.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : null)));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Starts a daemon and waits (polling, with a deadline) until it accepts connections on `port`. */
async function daemon(cmd: string, args: string[], port: number, opts: { uid?: number; gid?: number } = {}): Promise<ChildProcess> {
  let output = '';
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  running.push(child);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${cmd} exited with ${child.exitCode}: ${output}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: TEST_HOST, port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (up) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${cmd} did not listen on ${TEST_HOST}:${port} within 20 s: ${output}`);
}

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

describe('against the real daemons', () => {
  it('redis-server 7: INFO proves open access; with requirepass the reply is NOAUTH', async (t) => {
    if (!existsSync(BIN.redis)) return t.skip(`${BIN.redis} is not installed`);
    const [open, locked] = await closedPorts(2, PORT_RANGES.realServices);
    const base = ['--bind', TEST_HOST, '--save', '', '--appendonly', 'no', '--dir', await tempDir('ff-redis-')];
    await daemon(BIN.redis, [...base, '--port', String(open), '--protected-mode', 'no'], open!);
    await daemon(BIN.redis, [...base, '--port', String(locked), '--requirepass', 'a-long-test-password'], locked!);
    const verdict = await redisCheck.run(ctx(), TEST_HOST, open!);
    expect(verdict).toMatchObject({ kind: 'unauthenticated', evidence: { redisVersion: expect.stringMatching(/^7\./), redisMode: 'standalone' } });
    expect(await redisCheck.run(ctx(), TEST_HOST, locked!)).toEqual({ kind: 'protected', detail: '-NOAUTH Authentication required.' });
  });

  it('memcached 1.6: stats proves open access', async (t) => {
    if (!existsSync(BIN.memcached)) return t.skip(`${BIN.memcached} is not installed`);
    const [port] = await closedPorts(1, PORT_RANGES.realServices);
    await daemon(BIN.memcached, ['-l', TEST_HOST, '-p', String(port), '-U', '0', '-u', 'nobody'], port!);
    expect(await memcachedCheck.run(ctx(), TEST_HOST, port!)).toMatchObject({
      kind: 'unauthenticated',
      evidence: { memcachedVersion: expect.stringMatching(/^1\.6\./) },
    });
  });

  it('vsftpd 3.0.3: anonymous_enable=YES gives 230, anonymous_enable=NO does not', async (t) => {
    if (!existsSync(BIN.vsftpd) || !existsSync('/var/run/vsftpd/empty') || process.getuid?.() !== 0) {
      return t.skip('vsftpd needs its binary, /var/run/vsftpd/empty and root to start');
    }
    const [open, locked] = await closedPorts(2, PORT_RANGES.realServices);
    const dir = await tempDir('ff-ftp-');
    await chmod(dir, 0o755);
    const config = async (port: number, anonymous: boolean): Promise<string> => {
      const file = path.join(dir, `vsftpd-${port}.conf`);
      const lines = [
        'listen=YES', 'listen_ipv6=NO', `listen_address=${TEST_HOST}`, `listen_port=${port}`, `anonymous_enable=${anonymous ? 'YES' : 'NO'}`,
        // Debian's default: local users only (with both off vsftpd refuses to start a session at all).
        `local_enable=${anonymous ? 'NO' : 'YES'}`, 'write_enable=NO', `anon_root=${dir}`, 'secure_chroot_dir=/var/run/vsftpd/empty', 'background=NO', 'seccomp_sandbox=NO',
      ];
      await writeFile(file, `${lines.join('\n')}\n`, { mode: 0o600 });
      return file;
    };
    await daemon(BIN.vsftpd, [await config(open!, true)], open!);
    await daemon(BIN.vsftpd, [await config(locked!, false)], locked!);
    expect(await ftpCheck.run(ctx(), TEST_HOST, open!)).toMatchObject({
      kind: 'unauthenticated',
      evidence: { greeting: '220 (vsFTPd 3.0.3)', reply: expect.stringMatching(/^230 /) },
    });
    expect(await ftpCheck.run(ctx(), TEST_HOST, locked!)).toMatchObject({ kind: 'protected', detail: expect.stringMatching(/^530 /) });
  });

  it('PostgreSQL 15: trust gives AuthenticationOk and server_version; scram-sha-256 asks for SASL', async (t) => {
    const pgUser = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    if (!existsSync(BIN.initdb) || pgUser.status !== 0 || process.getuid?.() !== 0) {
      return t.skip('PostgreSQL 15 needs its binaries, a postgres system user and root (it refuses to run as root itself)');
    }
    const uid = Number(pgUser.stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const [port] = await closedPorts(1, PORT_RANGES.realServices);
    const dir = await tempDir('ff-pg-');
    await chmod(dir, 0o777);
    const data = path.join(dir, 'data');
    const init = spawnSync(BIN.initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync'], { uid, gid, encoding: 'utf8' });
    expect(init.status, init.stderr).toBe(0);
    const pg = await daemon(BIN.postgres, ['-D', data, '-p', String(port), '-c', `listen_addresses=${TEST_HOST}`, '-k', dir, '-c', 'fsync=off'], port!, { uid, gid });
    const trusted = await postgresCheck.run(ctx(), TEST_HOST, port!);
    expect(trusted).toMatchObject({ kind: 'unauthenticated', evidence: { user: 'postgres', authenticationCode: 0, serverVersion: expect.stringMatching(/^15\./) } });

    const hba = path.join(data, 'pg_hba.conf');
    await writeFile(hba, (await readFile(hba, 'utf8')).replace(/^(host\s+\S+\s+\S+\s+\S+\s+)trust\s*$/gm, '$1scram-sha-256'));
    pg.kill('SIGHUP');
    // Reload is asynchronous: poll until the server asks for a password (or fail at the deadline).
    await expect.poll(async () => postgresCheck.run(ctx(), TEST_HOST, port!), { timeout: 10_000, interval: 100 }).toEqual({
      kind: 'protected',
      detail: 'asks for SASL (SCRAM)',
    });
  });
});
