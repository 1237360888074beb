import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { killGroup } from './lab-process.js';

/** Exclusive use of one lab address across the test processes of a run (vitest runs files in parallel). */
export interface LabLock {
  /** Notes the process groups and temp dir of the lab, so a later holder can reap them after a crash. */
  record(groupPids: number[], dir: string): Promise<void>;
  release(): Promise<void>;
}

export interface ProcessId {
  pid: number;
  startTime: string;
}

interface LockState {
  owner: ProcessId;
  groups: ProcessId[];
  dir: string | null;
}

const POLL_MS = 100;
/** Under vitest's hookTimeout (120 s): long enough for another file to finish with the lab. */
const DEFAULT_WAIT_MS = 100_000;

/**
 * Takes the lock of a lab (one per address): the lab binds fixed standard ports, so two test files
 * starting it at once would collide. A holder that is alive is waited for; a holder that died
 * (SIGKILL, a crashed worker) has its detached services killed and its temp dir removed first, or
 * they would keep the ports for every later run.
 */
export async function acquireLabLock(name: string, opts: { waitMs?: number } = {}): Promise<LabLock> {
  const file = labLockFile(name);
  const self = processId(process.pid);
  if (!self) throw new Error('cannot read /proc/self/stat');
  const deadline = Date.now() + (opts.waitMs ?? DEFAULT_WAIT_MS);
  for (;;) {
    const mine: LockState = { owner: self, groups: [], dir: null };
    try {
      await writeFile(file, JSON.stringify(mine), { flag: 'wx' }); // atomic: only one creator wins
      return lockHandle(file, mine);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const raw = await readFile(file, 'utf8').catch(() => null);
    const held = parse(raw);
    if (held && sameProcess(held.owner, self)) throw new Error(`lab ${name} is already running in this process; stop it first`);
    if (held && !alive(held.owner)) {
      await reap(held);
      // Remove the stale lock only if nobody replaced it meanwhile.
      if ((await readFile(file, 'utf8').catch(() => null)) === raw) await rm(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`lab ${name} is still in use by process ${held?.owner.pid ?? '?'} (lock ${file})`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Where the lock of a lab lives: /tmp is shared by every test process of the machine. */
export function labLockFile(name: string): string {
  return path.join(os.tmpdir(), `fixfirst-lab-${name}.lock`);
}

function lockHandle(file: string, state: LockState): LabLock {
  // Records may be made concurrently (services start in parallel): writes are queued, never interleaved.
  let writing: Promise<void> = Promise.resolve();
  return {
    record: (groupPids, dir) => {
      state.groups = groupPids.map(processId).filter((p): p is ProcessId => p !== null);
      state.dir = dir;
      const snapshot = JSON.stringify(state);
      writing = writing.then(() => writeFile(file, snapshot));
      return writing;
    },
    release: () => rm(file, { force: true }),
  };
}

function parse(raw: string | null): LockState | null {
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as LockState;
  } catch {
    return null; // being written right now: treated as held
  }
}

/** pid plus the kernel's start time (field 22 of /proc/<pid>/stat), so a reused pid never matches; null once dead. */
export function processId(pid: number): ProcessId | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ...rest] = fields.slice(fields.lastIndexOf(')') + 2).split(' ');
    // A zombie holds no port and no file; it only waits for its parent (often PID 1) to reap it.
    if (state === 'Z' || state === 'X') return null;
    const startTime = rest[18];
    return startTime ? { pid, startTime } : null;
  } catch {
    return null;
  }
}

function sameProcess(a: ProcessId, b: ProcessId): boolean {
  return a.pid === b.pid && a.startTime === b.startTime;
}

function alive(p: ProcessId): boolean {
  const now = processId(p.pid);
  return now !== null && sameProcess(now, p);
}

async function reap(state: LockState): Promise<void> {
  for (const group of state.groups) if (alive(group)) killGroup(group.pid);
  const deadline = Date.now() + 5_000;
  while (state.groups.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (state.dir?.includes('fixfirst-lab-')) await rm(state.dir, { recursive: true, force: true });
}
