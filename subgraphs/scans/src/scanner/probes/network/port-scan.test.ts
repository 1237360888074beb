import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../../../../../lib/net/address-policy.js';
import { PolicyRefusedError } from '../../safe-fetch.js';
import { ScanNet, type PortProbeResult } from '../../scan-net.js';
import { scanPorts } from './port-scan.js';
import { closedPorts, PORT_RANGES, tcpStandIn, TEST_HOST, type StandIn } from './stand-in-servers.test-util.js';

const NMAP = '/usr/bin/nmap';

/** Records how many connects were in flight at once and which ports were tried. */
class CountingNet extends ScanNet {
  inFlight = 0;
  maxInFlight = 0;
  tried: number[] = [];
  override async probePort(address: string, port: number, timeoutMs: number): Promise<PortProbeResult> {
    this.tried.push(port);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      return await super.probePort(address, port, timeoutMs);
    } finally {
      this.inFlight--;
    }
  }
}

function loopbackNet(signal = new AbortController().signal): CountingNet {
  return new CountingNet(new AddressPolicy([`${TEST_HOST}/32`]), signal, 2_000);
}

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('scanPorts', () => {
  let listeners: StandIn[] = [];
  let openPorts: number[] = [];
  let closed: number[] = [];
  let list: number[] = [];

  beforeAll(async () => {
    listeners = await Promise.all(Array.from({ length: 6 }, () => tcpStandIn({})));
    openPorts = listeners.map((l) => l.port).sort((a, b) => a - b);
    closed = await closedPorts(60, PORT_RANGES.portScan);
    list = shuffle([...openPorts, ...closed]);
  });
  afterAll(async () => {
    await Promise.all(listeners.map((l) => l.close()));
  });

  it('finds exactly the listening ports of an explicit list that also holds closed ones', async () => {
    const result = await scanPorts(loopbackNet(), TEST_HOST, list, { concurrency: 20, timeoutMs: 2_000 });
    expect(result.open).toEqual(openPorts);
    expect(result.closed).toBe(closed.length);
    expect(result.filtered).toBe(0);
    expect(result.address).toBe(TEST_HOST);
  });

  it('keeps at most `concurrency` connects in flight and tries each port once, duplicates dropped', async () => {
    const net = loopbackNet();
    const result = await scanPorts(net, TEST_HOST, [...list, ...list.slice(0, 10), 0, 70_000], { concurrency: 7, timeoutMs: 2_000 });
    expect(net.maxInFlight).toBeLessThanOrEqual(7);
    expect(net.maxInFlight).toBeGreaterThan(1);
    expect([...net.tried].sort((a, b) => a - b)).toEqual([...list].sort((a, b) => a - b));
    expect(result.open).toEqual(openPorts);
  });

  it('refuses an address outside the policy before connecting anywhere', async () => {
    const net = new CountingNet(new AddressPolicy([]), new AbortController().signal, 2_000);
    const fresh = await tcpStandIn({});
    try {
      await expect(scanPorts(net, TEST_HOST, [fresh.port], { concurrency: 5, timeoutMs: 1_000 })).rejects.toBeInstanceOf(PolicyRefusedError);
      // A control connect proves the listener counts connections, so zero above means none was made.
      await scanPorts(loopbackNet(), TEST_HOST, [fresh.port], { concurrency: 1, timeoutMs: 1_000 });
      await expect.poll(() => fresh.received.length, { timeout: 2_000 }).toBe(1);
      expect(net.tried).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('ScanNet.probePort checks the policy on every call and tells open from closed', async () => {
    const net = loopbackNet();
    await expect(net.probePort('127.0.0.15', openPorts[0]!, 1_000)).rejects.toBeInstanceOf(PolicyRefusedError);
    await expect(net.probePort(TEST_HOST, openPorts[0]!, 1_000)).resolves.toBe('open');
    await expect(net.probePort(TEST_HOST, closed[0]!, 1_000)).resolves.toBe('closed');
  });

  it('stops trying ports once its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    const net = loopbackNet();
    const result = await scanPorts(net, TEST_HOST, list, { concurrency: 5, timeoutMs: 1_000, signal: controller.signal });
    expect(net.tried).toEqual([]);
    expect(result.open).toEqual([]);
  });

  it('stops when the scan itself (ScanNet\'s signal) is aborted, counting no port', async () => {
    const controller = new AbortController();
    const net = loopbackNet(controller.signal);
    controller.abort(new Error('scan cancelled'));
    await expect(net.probePort(TEST_HOST, openPorts[0]!, 1_000)).rejects.toThrow('scan cancelled');
    const result = await scanPorts(net, TEST_HOST, list, { concurrency: 5, timeoutMs: 1_000 });
    expect(result).toMatchObject({ open: [], closed: 0, filtered: 0 });
  });

  it('stops part-way when the scan is aborted while ports are being tried', async () => {
    const controller = new AbortController();
    const net = loopbackNet(controller.signal);
    const probe = net.probePort.bind(net);
    net.probePort = (address, port, timeoutMs) => {
      if (net.tried.length === 10) controller.abort(new Error('deadline'));
      return probe(address, port, timeoutMs);
    };
    const result = await scanPorts(net, TEST_HOST, list, { concurrency: 4, timeoutMs: 1_000 });
    expect(net.tried.length).toBeLessThan(10 + 4 + 1);
    expect(result.open.length + result.closed + result.filtered).toBeLessThanOrEqual(10);
  });

  it('agrees with nmap -sT on the open ports of the same list', async (ctx) => {
    if (!existsSync(NMAP)) {
      ctx.skip(`nmap is not installed at ${NMAP}: the comparison with nmap cannot run`);
      return;
    }
    const ours = await scanPorts(loopbackNet(), TEST_HOST, list, { concurrency: 50, timeoutMs: 2_000 });
    const { stdout } = await promisify(execFile)(NMAP, ['-sT', '-Pn', '-n', '-p', list.join(','), TEST_HOST, '-oX', '-'], { timeout: 60_000 });
    const nmapOpen = [...stdout.matchAll(/<port protocol="tcp" portid="(\d+)"><state state="open"/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
    expect(stdout).toContain(`addr="${TEST_HOST}"`);
    expect(nmapOpen).toEqual(openPorts);
    expect(ours.open).toEqual(nmapOpen);
  });
});
