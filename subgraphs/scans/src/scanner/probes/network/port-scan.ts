import { PolicyRefusedError } from '../../safe-fetch.js';
import type { PortProbeResult, ScanNet } from '../../scan-net.js';

/** How one port answered a TCP connect, in nmap's terms. */
export type PortState = PortProbeResult;

export interface PortScanOptions {
  /** Connects in flight at once. */
  concurrency: number;
  /** Past this a connect counts as filtered (no SYN-ACK and no RST). */
  timeoutMs: number;
  /** Stops the scan early; the ports not yet tried are neither open nor counted. */
  signal?: AbortSignal;
}

export interface PortScanResult {
  address: string;
  /** Ports that accepted a connection, ascending. */
  open: number[];
  /** Ports that refused (RST). */
  closed: number;
  /** Ports that did not answer in time or were unreachable. */
  filtered: number;
  durationMs: number;
}

/**
 * A TCP connect scan of one address: each port is connected to once through ScanNet.probePort
 * (policy-checked, closed at once, no data sent). Ports are tried in the order given by a fixed
 * pool of workers, so at most `concurrency` sockets are open at any time.
 */
export async function scanPorts(net: ScanNet, address: string, ports: readonly number[], opts: PortScanOptions): Promise<PortScanResult> {
  // Refuse a disallowed address up front, once, rather than once per port.
  net.assertAllowed(address);
  const started = performance.now();
  const unique = [...new Set(ports)].filter((p) => Number.isInteger(p) && p > 0 && p < 65_536);
  const open: number[] = [];
  let closed = 0;
  let filtered = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < unique.length && !opts.signal?.aborted) {
      const port = unique[next++]!;
      const state = await probePort(net, address, port, opts.timeoutMs);
      if (state === null) return;
      if (state === 'open') open.push(port);
      else if (state === 'closed') closed++;
      else filtered++;
    }
  };
  const workers = Math.max(1, Math.min(opts.concurrency, unique.length));
  await Promise.all(Array.from({ length: workers }, worker));
  open.sort((a, b) => a - b);
  return { address, open, closed, filtered, durationMs: performance.now() - started };
}

/** One connect; null when the scan was aborted (the port's state is then unknown). */
async function probePort(net: ScanNet, address: string, port: number, timeoutMs: number): Promise<PortState | null> {
  try {
    return await net.probePort(address, port, timeoutMs);
  } catch (err) {
    // probePort rejects only for the policy (checked up front) or the scan's abort: stop without guessing.
    if (err instanceof PolicyRefusedError) throw err;
    return null;
  }
}
