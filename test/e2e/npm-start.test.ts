import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../lib/auth/api-key.js';
import { freePort } from '../../lib/net/free-port.js';
import { REPO_ROOT } from '../../lib/paths.js';
import { gql } from '../support/graphql.js';

/** `npm start`'s entry point, on ports and a DATA_DIR of this test's own. */
async function start(dataDir: string, env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli', 'start-all.js')], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // its own process group, so the test can press Ctrl-C the way a terminal does: to every process
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within 90 s:\n${out}`)), 90_000);
    const check = () => {
      if (out.includes('fixfirst is ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before ready:\n${out}`));
    });
  });
  return { child, output: () => out, exited };
}

describe('npm start', () => {
  let dataDir = '';
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('starts everything, answers GraphQL, stops cleanly on Ctrl-C and keeps the data for the next start', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-npm-start-'));
    const ports = {
      GATEWAY_PORT: String(await freePort()),
      SCANS_PORT: String(await freePort()),
      FINDINGS_PORT: String(await freePort()),
      CLIENTS_PORT: String(await freePort()),
      BILLING_PORT: String(await freePort()),
      EMBEDDED_PG_PORT: String(await freePort()),
      REST_PORT: String(await freePort()),
    };
    const key = generateApiKey();
    const url = `http://127.0.0.1:${ports.GATEWAY_PORT}/graphql`;

    const first = await start(dataDir, { ...ports, BOOTSTRAP_API_KEY: key });
    expect(first.output()).toContain(url);
    const me = await gql(url, `{ me { account { name } } plans { tier } }`, {}, { 'x-api-key': key });
    expect(me.data).toMatchObject({ me: { account: { name: 'Operator' } } });
    // The REST adapter is part of it, with its spec.
    const rest = `http://127.0.0.1:${ports.REST_PORT}`;
    expect(first.output()).toContain(rest);
    const scans = await fetch(`${rest}/api/v1/scans`, { headers: { authorization: `Bearer ${key}` } });
    expect(scans.status).toBe(200);
    expect(await scans.json()).toEqual({ scans: [], next_cursor: null });
    const spec = await fetch(`${rest}/docs/api/openapi`);
    expect(spec.headers.get('content-type')).toMatch(/^text\/yaml/);
    // A terminal's Ctrl-C: SIGINT to the whole process group (services and PostgreSQL included).
    process.kill(-first.child.pid!, 'SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('Data kept');
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    // The internal secret (alert channels are encrypted under a key derived from it) is kept too.
    const secretFile = path.join(dataDir, 'internal-token-secret');
    const internalSecret = readFileSync(secretFile, 'utf8');
    expect(internalSecret.trim().length).toBeGreaterThanOrEqual(32);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);

    // Warm start: same data, no bootstrap key needed any more, the old key still works.
    const second = await start(dataDir, ports);
    expect(readFileSync(secretFile, 'utf8')).toBe(internalSecret);
    expect(second.output()).not.toContain('Operator API key (shown once');
    const again = await gql(url, `{ me { account { name } } }`, {}, { 'x-api-key': key });
    expect(again.data).toMatchObject({ me: { account: { name: 'Operator' } } });
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });
});
