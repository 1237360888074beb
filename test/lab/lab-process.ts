import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** One real service process of the lab, in its own process group so stop() reaches its children. */
export interface LabProcess {
  name: string;
  child: ChildProcess;
  /** The last lines the service printed, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  /** Where the service must accept TCP connections before it counts as started. */
  address: string;
  port: number;
  /** Also wait for this line on stdout/stderr (PostgreSQL listens before it accepts logins). */
  readyLine?: RegExp;
  /** Signal that makes the service shut down cleanly (PostgreSQL: SIGINT = fast shutdown). */
  stopSignal?: NodeJS.Signals;
  uid?: number;
  gid?: number;
  cwd?: string;
  deadlineMs?: number;
}

/** Generous: a loaded 2-core CI machine can be slow to fork; a healthy start takes well under 1 s. */
const DEFAULT_DEADLINE_MS = 20_000;
const STOP_GRACE_MS = 5_000;

/**
 * Starts a service in the foreground and resolves once its port accepts connections (and its
 * ready line was printed, if given). Rejects with the service's own output if it exits first
 * (a taken port, a refused config) or the deadline passes.
 */
export async function startLabProcess(opts: SpawnOptions): Promise<LabProcess> {
  // Someone else's listener would answer the readiness poll for us and hide a failed bind.
  if (await accepts(opts.address, opts.port)) {
    throw new Error(`${opts.name}: ${opts.address}:${opts.port} is already taken by another program`);
  }
  const child = spawn(resolveCommand(opts.command), opts.args, {
    detached: true, // its own process group: stop() signals the group, forked workers included
    stdio: ['ignore', 'pipe', 'pipe'],
    uid: opts.uid,
    gid: opts.gid,
    cwd: opts.cwd,
  });
  let out = '';
  let sawReadyLine = !opts.readyLine;
  const onData = (chunk: Buffer): void => {
    out = (out + chunk.toString('utf8')).slice(-8_000);
    if (!sawReadyLine && opts.readyLine!.test(out)) sawReadyLine = true;
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let spawnError: Error | null = null;
  child.once('error', (err) => (spawnError = err));
  const proc: LabProcess = {
    name: opts.name,
    child,
    output: () => out.trim().split('\n').slice(-15).join('\n'),
    stop: () => stopProcess(child, opts.stopSignal ?? 'SIGTERM'),
  };
  trackGroup(child);

  const deadline = Date.now() + (opts.deadlineMs ?? DEFAULT_DEADLINE_MS);
  for (;;) {
    if (spawnError) throw new Error(`${opts.name} could not be started: ${(spawnError as Error).message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      await proc.stop(); // helpers it forked before dying
      throw new Error(`${opts.name} exited (${child.exitCode ?? child.signalCode}) before accepting connections on ${opts.address}:${opts.port}:\n${proc.output()}`);
    }
    if (sawReadyLine && (await accepts(opts.address, opts.port))) return proc;
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(`${opts.name} did not accept connections on ${opts.address}:${opts.port} within the deadline:\n${proc.output()}`);
    }
    await waitForEventOrDelay(child, 25);
  }
}

/**
 * The full path of a command, also looking in the sbin directories (nginx and vsftpd live there)
 * that a non-login environment may leave out of PATH. Unknown commands are returned as given, so
 * spawn reports ENOENT with their name.
 */
export function resolveCommand(command: string): string {
  if (command.includes('/')) return command;
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs.filter(Boolean)) {
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return command;
}

/** True if a TCP connection to address:port is accepted. */
export function accepts(address: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Polling pause that ends early when the child exits, so a failed start is reported at once. */
function waitForEventOrDelay(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(finish, ms);
    child.once('exit', finish);
    function finish(): void {
      clearTimeout(timer);
      child.removeListener('exit', finish);
      resolve();
    }
  });
}

/** Asks the leader to shut down, then kills whatever is left of its group. */
async function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const exited = child.exitCode !== null || child.signalCode !== null;
  if (!exited) {
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    signalGroup(pid, signal);
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), STOP_GRACE_MS).unref());
    if ((await Promise.race([gone, timer])) === 'timeout') {
      signalGroup(pid, 'SIGKILL');
      await gone;
    }
  }
  // Forked helpers (vsftpd sessions, PostgreSQL backends) that outlived the leader.
  signalGroup(pid, 'SIGKILL');
  untrackGroup(pid);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone
  }
}

/*
 * Services run detached, so this process kills its remaining groups when it exits; a process that
 * dies by SIGKILL leaves them to the next lab lock holder (lab-lock.ts reaps them).
 */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function trackGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  liveGroups.add(child.pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
    });
  }
}

function untrackGroup(pgid: number): void {
  liveGroups.delete(pgid);
}

/** Kills a process group (used to reap the leftovers of a crashed run). */
export function killGroup(pgid: number): void {
  signalGroup(pgid, 'SIGKILL');
}
