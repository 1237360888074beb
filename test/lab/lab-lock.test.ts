import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLabLock, labLockFile, processId } from './lab-lock.js';
import { accepts } from './lab-process.js';

const children: ChildProcess[] = [];

/** A detached process that stands for a lab service or a test process of another run. */
function spawnDetached(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { detached: true, stdio: 'ignore' });
  children.push(child);
  return child;
}

async function until(condition: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, 'SIGKILL');
      await exited(child);
    }
  }
});

describe('lab lock', () => {
  it('waits for a live holder, then reaps what a dead holder left behind', async () => {
    const name = `lock-test-${process.pid}-reap`;
    // The "other run": a holder process, and a service it started that holds a port.
    const holder = spawnDetached('sleep', ['60']);
    const service = spawnDetached('redis-server', ['--bind', '127.0.0.36', '--port', '16379', '--save', '', '--appendonly', 'no']);
    await until(() => accepts('127.0.0.36', 16379));
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-lab-'));
    await writeFile(labLockFile(name), JSON.stringify({ owner: processId(holder.pid!), groups: [processId(service.pid!)], dir }));

    await expect(acquireLabLock(name, { waitMs: 300 })).rejects.toThrow(/still in use by process/);
    expect(await accepts('127.0.0.36', 16379)).toBe(true); // a live holder's services are left alone

    process.kill(holder.pid!, 'SIGKILL');
    await exited(holder);
    const lock = await acquireLabLock(name, { waitMs: 5_000 });
    try {
      await exited(service);
      expect(await accepts('127.0.0.36', 16379)).toBe(false);
      await expect(stat(dir)).rejects.toThrow(/ENOENT/);
    } finally {
      await lock.release();
    }
    await expect(stat(labLockFile(name))).rejects.toThrow(/ENOENT/);
  });

  it('refuses to take a lock this process already holds, and frees it on release', async () => {
    const name = `lock-test-${process.pid}-self`;
    const lock = await acquireLabLock(name);
    await expect(acquireLabLock(name, { waitMs: 100 })).rejects.toThrow(/already running in this process/);
    await lock.release();
    const again = await acquireLabLock(name, { waitMs: 100 });
    await again.release();
  });

  it('lets only one of two concurrent takers win', async () => {
    const name = `lock-test-${process.pid}-race`;
    await rm(labLockFile(name), { force: true });
    const results = await Promise.allSettled([acquireLabLock(name, { waitMs: 200 }), acquireLabLock(name, { waitMs: 200 })]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
  });
});
