import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';
import { AddressPolicy } from '../lib/net/address-policy.js';
import { scanPorts } from '../subgraphs/scans/src/scanner/probes/network/port-scan.js';
import { ScanNet } from '../subgraphs/scans/src/scanner/scan-net.js';

/**
 * Our TCP connect scan against `nmap -sT -T4` on the same 1,000 loopback ports in the same run:
 * N of them listen, the rest were bound and released (so they are closed for certain). Several
 * repetitions each, alternating, median reported; nmap's time includes starting the process, as a
 * user running it would see.
 */
const HOST = process.env.BENCH_PORT_SCAN_HOST ?? '127.0.0.14';
const PORTS = 1_000;
const OPEN = Number(process.env.BENCH_PORT_SCAN_OPEN ?? 20);
const REPS = Number(process.env.BENCH_PORT_SCAN_REPS ?? 7);
/** AGGRESSIVE's portConcurrency: the setting a 1,000-port scan runs with. */
const CONCURRENCY = 500;
const NMAP = '/usr/bin/nmap';

interface Listener {
  port: number;
  server: net.Server;
}

async function bind(port: number): Promise<Listener | null> {
  const server = net.createServer((socket) => socket.destroy());
  const ok = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => resolve(true));
  });
  return ok ? { port, server } : null;
}

function close(l: Listener): Promise<void> {
  return new Promise((resolve) => l.server.close(() => resolve()));
}

/** 1,000 ports from 28000 up, below the ephemeral range (clear of the unit tests' 20000-27999), that we could bind, N kept open. */
async function preparePorts(): Promise<{ ports: number[]; open: Listener[] }> {
  const held: Listener[] = [];
  for (let port = 28_000; held.length < PORTS && port < 32_768; port++) {
    const l = await bind(port);
    if (l) held.push(l);
  }
  if (held.length < PORTS) throw new Error(`only ${held.length} bindable ports on ${HOST}`);
  // Spread the open ones across the list rather than bunching them at the start.
  const step = Math.floor(PORTS / OPEN);
  const open = held.filter((_, i) => i % step === 0).slice(0, OPEN);
  await Promise.all(held.filter((l) => !open.includes(l)).map(close));
  return { ports: held.map((l) => l.port), open };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function nmapScan(ports: number[]): Promise<{ ms: number; open: number[]; elapsed: number | null }> {
  const started = performance.now();
  const { stdout } = await promisify(execFile)(NMAP, ['-sT', '-T4', '-p', ports.join(','), HOST, '-oX', '-'], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
  const ms = performance.now() - started;
  const open = [...stdout.matchAll(/<port protocol="tcp" portid="(\d+)"><state state="open"/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
  const elapsed = /<finished [^>]*elapsed="([\d.]+)"/.exec(stdout)?.[1];
  return { ms, open, elapsed: elapsed ? Number(elapsed) * 1000 : null };
}

const same = (a: number[], b: number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/** `bench/run.ts` calls this; it prints its own section and asserts nothing. */
export async function portScanBench(): Promise<void> {
  const { ports, open } = await preparePorts();
  const expected = open.map((l) => l.port).sort((a, b) => a - b);
  const scanNet = new ScanNet(new AddressPolicy([`${HOST}/32`]), new AbortController().signal, 2_000);
  const hasNmap = existsSync(NMAP);
  const ours: number[] = [];
  const theirs: number[] = [];
  const nmapOwn: number[] = [];
  let oursAgree = true;
  let nmapAgree = true;
  let cold = 0;
  try {
    // The first scan of a fresh process runs before the JIT has compiled the hot path: shown apart.
    const first = await scanPorts(scanNet, HOST, ports, { concurrency: CONCURRENCY, timeoutMs: 2_000 });
    cold = first.durationMs;
    oursAgree &&= same(first.open, expected);
    // Warm-up rounds, untimed (a scanner worker scans many hosts in one process); nmap's page cache too.
    for (let i = 0; i < 4; i++) await scanPorts(scanNet, HOST, ports, { concurrency: CONCURRENCY, timeoutMs: 2_000 });
    if (hasNmap) await nmapScan(ports);
    for (let i = 0; i < REPS; i++) {
      const result = await scanPorts(scanNet, HOST, ports, { concurrency: CONCURRENCY, timeoutMs: 2_000 });
      ours.push(result.durationMs);
      oursAgree &&= same(result.open, expected) && result.closed === PORTS - OPEN;
      if (hasNmap) {
        const n = await nmapScan(ports);
        theirs.push(n.ms);
        if (n.elapsed !== null) nmapOwn.push(n.elapsed);
        nmapAgree &&= same(n.open, expected);
      }
    }
  } finally {
    await Promise.all(open.map(close));
  }
  console.log('\n## TCP connect scan: 1,000 loopback ports, ours versus nmap -sT -T4');
  console.log(`${HOST}, ${OPEN} open, ${PORTS - OPEN} closed, ${REPS} runs each (median), our concurrency ${CONCURRENCY}`);
  console.log(`ours (scanPorts through ScanNet):       ${median(ours).toFixed(1).padStart(7)} ms   open set correct in every run: ${oursAgree}`);
  console.log(`ours, first scan of the process (cold): ${cold.toFixed(1).padStart(7)} ms`);
  if (!hasNmap) {
    console.log(`nmap is not installed at ${NMAP}: no comparison`);
    return;
  }
  console.log(`nmap -sT -T4 (process start to exit):  ${median(theirs).toFixed(1).padStart(7)} ms   open set correct in every run: ${nmapAgree}`);
  if (nmapOwn.length) console.log(`nmap's own reported elapsed time:       ${median(nmapOwn).toFixed(1).padStart(7)} ms`);
  console.log(`ratio ours/nmap: ${(median(ours) / median(theirs)).toFixed(2)}   open-port sets agree: ${oursAgree && nmapAgree}`);
}
