import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { createLogger } from '../../../../lib/logger.js';
import type { NewFinding } from '../../../findings/src/module.js';
import { normalizeTarget } from '../target/target.js';
import { CheckCatalogue } from './catalogue.js';
import type { CheckDefinition, Probe } from './check.js';
import { runEngine, type EngineSink } from './engine.js';
import { profileSettings } from './profiles.js';
import { ScanDns } from './scan-dns.js';

const def = (id: string, mode: 'PASSIVE' | 'ACTIVE' = 'PASSIVE'): CheckDefinition => ({
  id,
  title: `Title of ${id}`,
  category: id.split('.')[0] as CheckDefinition['category'],
  severity: 'LOW',
  cweId: 'CWE-200',
  confidence: 'FIRM',
  description: 'test',
  evidence: 'test',
  remediation: 'Fix it properly.',
  mode,
  profile: 'LIGHT',
});

let server: http.Server;
let base: string;
const seen: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    if (req.url === '/tarpit') return; // never answers
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><p>engine test</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.21', () => r()));
  base = `http://127.0.0.21:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function recordingSink() {
  const events: string[] = [];
  const findings: NewFinding[] = [];
  const hosts: { host: string; verifiable: boolean }[] = [];
  const sink: EngineSink = {
    hostDone: async (e) => void hosts.push(e),
    checkStarted: async (e) => void events.push(`start ${e.probe}`),
    checkFinished: async (e) => void events.push(`end ${e.probe} ${e.findings}${e.error ? ` error=${e.error}` : ''}`),
    findings: async (list) => void findings.push(...list),
    progress: async () => undefined,
  };
  return { sink, events, findings, hosts };
}

function run(
  probes: Probe[],
  opts: { allow?: string[]; mode?: 'PASSIVE' | 'ACTIVE'; deadlineMs?: number; budget?: number; signal?: AbortSignal; covers?: (host: { hostname: string }) => boolean } = {},
) {
  const target = normalizeTarget(base, 'URL');
  const rec = recordingSink();
  const done = runEngine({
    target,
    addresses: new Map([['127.0.0.21', ['127.0.0.21']]]),
    mode: opts.mode ?? 'PASSIVE',
    profile: profileSettings('STANDARD', { deadlineMs: opts.deadlineMs ?? 10_000, requestTimeoutMs: 30_000, requestBudget: opts.budget ?? 50 }),
    catalogue: new CheckCatalogue(probes),
    policy: new AddressPolicy(opts.allow ?? ['127.0.0.21/32']),
    dns: new ScanDns(),
    userAgent: 'engine-test',
    log: createLogger('engine-test', 'silent'),
    sink: rec.sink,
    activeCovers: opts.covers ?? (() => true),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return { done, ...rec };
}

describe('runEngine', () => {
  it('runs each probe once, fills findings from the catalogue and reports start and end', async () => {
    const probe: Probe = {
      id: 'headers',
      title: 't',
      checks: [def('headers.one')],
      mode: 'PASSIVE',
      profile: 'LIGHT',
      run: async (ctx) => {
        const page = await ctx.page();
        ctx.report({ checkId: 'headers.one', description: `saw ${page?.response.status}`, evidence: {}, location: 'x' });
      },
    };
    const r = run([probe]);
    const stats = await r.done;
    expect(r.events).toEqual(['start headers', 'end headers 1']);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ checkId: 'headers.one', title: 'Title of headers.one', severity: 'LOW', remediation: 'Fix it properly.', description: 'saw 200', location: 'x', target: base });
    expect(stats).toMatchObject({ hostsReachable: 1, findings: 1, probesRun: 1, probesFailed: 0, deadlineReached: false });
  });

  it('runs active probes only in active scans, on hosts its authorisation covers', async () => {
    const active: Probe = { id: 'exposure', title: 't', checks: [def('exposure.x', 'ACTIVE')], mode: 'ACTIVE', profile: 'LIGHT', run: async () => undefined };
    const passiveRun = run([active], { mode: 'PASSIVE' });
    await passiveRun.done;
    expect(passiveRun.events).toEqual([]);
    const uncovered = run([active], { mode: 'ACTIVE', covers: () => false });
    await uncovered.done;
    expect(uncovered.events).toEqual([]);
    const covered = run([active], { mode: 'ACTIVE', covers: (h) => h.hostname === '127.0.0.21' });
    await covered.done;
    expect(covered.events).toEqual(['start exposure', 'end exposure 0']);
  });

  it('stops a probe stuck on a tarpit at the scan deadline', async () => {
    const stuck: Probe = {
      id: 'exposure',
      title: 't',
      checks: [def('exposure.y')],
      mode: 'PASSIVE',
      profile: 'LIGHT',
      run: async (ctx) => {
        await ctx.http.fetch(new URL('/tarpit', base).href);
      },
    };
    const started = Date.now();
    const r = run([stuck], { deadlineMs: 800 });
    const stats = await r.done;
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(stats.deadlineReached).toBe(true);
    expect(r.events[1]).toMatch(/^end exposure 0 error=stopped/);
  });

  it('refuses requests past the budget and says so', async () => {
    const greedy: Probe = {
      id: 'exposure',
      title: 't',
      checks: [def('exposure.z')],
      mode: 'PASSIVE',
      profile: 'LIGHT',
      run: async (ctx) => {
        for (let i = 0; i < 5; i++) await ctx.http.fetch(new URL(`/p${i}`, base).href);
      },
    };
    const before = seen.length;
    const r = run([greedy], { budget: 3 });
    const stats = await r.done;
    expect(seen.length - before).toBe(3);
    expect(stats.budgetExhausted).toBe(true);
    expect(stats.requests).toBe(3);
  });

  it('treats a finding of a check the probe does not own as a probe failure', async () => {
    const liar: Probe = {
      id: 'headers',
      title: 't',
      checks: [def('headers.mine')],
      mode: 'PASSIVE',
      profile: 'LIGHT',
      run: async (ctx) => ctx.report({ checkId: 'headers.other', description: '', evidence: {} }),
    };
    const r = run([liar]);
    await expect(r.done).rejects.toThrow(/not one of its checks/);
  });

  it('ends at once when cancelled', async () => {
    const stuck: Probe = {
      id: 'exposure',
      title: 't',
      checks: [def('exposure.w')],
      mode: 'PASSIVE',
      profile: 'LIGHT',
      run: async (ctx) => {
        await ctx.http.fetch(new URL('/tarpit', base).href);
      },
    };
    const cancel = new AbortController();
    const r = run([stuck], { deadlineMs: 60_000, signal: cancel.signal });
    const stop = setTimeout(() => cancel.abort(new Error('cancelled')), 300);
    const stats = await r.done;
    clearTimeout(stop);
    expect(stats.cancelled).toBe(true);
    expect(stats.deadlineReached).toBe(false);
  });

  it("calls a host verifiable only when its page was read and no request was left unanswered", async () => {
    const reads: Probe = { id: 'headers', title: 't', checks: [def('headers.v')], mode: 'PASSIVE', profile: 'LIGHT', run: async (ctx) => void (await ctx.page()) };
    const clean = run([reads]);
    await clean.done;
    expect(clean.hosts).toEqual([{ host: '127.0.0.21', verifiable: true }]);
    const timesOut: Probe = {
      id: 'exposure',
      title: 't',
      checks: [def('exposure.v')],
      mode: 'PASSIVE',
      profile: 'LIGHT',
      run: async (ctx) => {
        // A probe that swallows its failure, as probes do for an unanswered path.
        await ctx.http.fetch(new URL('/tarpit', base).href, { timeoutMs: 300 }).catch(() => undefined);
      },
    };
    const flaky = run([reads, timesOut]);
    await flaky.done;
    expect(flaky.hosts).toEqual([{ host: '127.0.0.21', verifiable: false }]);
  });
});
