import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../../../lib/logger.js';
import { AddressPolicy } from '../../../../../../lib/net/address-policy.js';
import type { NewFinding } from '../../../../../findings/src/module.js';
import { normalizeTarget } from '../../../target/target.js';
import { CheckCatalogue } from '../../catalogue.js';
import type { ProbeFinding } from '../../check.js';
import { runEngine } from '../../engine.js';
import { makeProbeContext, type TestProbeContext } from '../../../../../../test/support/probe-context.js';
import { profileSettings, type ProfileSettings, type ScanProfile } from '../../profiles.js';
import { ScanDns } from '../../scan-dns.js';
import { portsProbe } from './ports.probe.js';
import { SERVICE_PROBES } from './service.probes.js';
import {
  closedPorts,
  PORT_RANGES,
  ftpStandIn,
  httpStandIn,
  memcachedStandIn,
  mongoStandIn,
  postgresStandIn,
  redisStandIn,
  tcpStandIn,
  TEST_HOST,
  type StandIn,
} from './stand-in-servers.test-util.js';

const PROBES = [portsProbe, ...SERVICE_PROBES];

interface Reported extends ProbeFinding {
  probe: string;
}

/** Runs every network probe on one host at once, as the engine does, sharing one scan context. */
async function runAll(ctx: TestProbeContext): Promise<Reported[]> {
  const reported: Reported[] = [];
  await Promise.all(
    PROBES.map((probe) =>
      probe.run({
        ...ctx,
        report: (f) => {
          // The engine rejects a finding of a check the probe does not own.
          expect(probe.checks.map((c) => c.id)).toContain(f.checkId);
          reported.push({ ...f, probe: probe.id });
        },
      }),
    ),
  );
  return reported;
}

function context(profile: ScanProfile, overrides: Partial<ProfileSettings>): TestProbeContext {
  return makeProbeContext({ target: TEST_HOST, targetType: 'IP', mode: 'ACTIVE', profile, profileOverrides: overrides });
}

const keys = (found: Reported[]): string[] => found.map((f) => `${f.checkId} ${f.location}`).sort();

describe('network probes together', () => {
  const servers: StandIn[] = [];
  const start = async <T extends StandIn>(server: Promise<T>): Promise<T> => {
    const s = await server;
    servers.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('reports every open port, proven open access once, and exposure only where access was not proven', async () => {
    const redis = await start(redisStandIn({ requirePassword: true }, 6379));
    const memcached = await start(memcachedStandIn({ requireAuth: false }, 11211));
    const postgres = await start(postgresStandIn({ method: 'trust' }, 5432));
    await start(mongoStandIn({ requireAuth: true }, 27017));
    const es = await start(
      httpStandIn({ '/': { status: 200, body: { cluster_name: 'c1', version: { number: '8.13.0' } } }, '/_cat/indices?format=json&h=index': { status: 200, body: [] } }, 9200),
    );
    await start(httpStandIn({ '/version': { status: 403, body: { message: 'forbidden' } } }, 2375));
    const ssh = await start(tcpStandIn({ greeting: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n' }));
    const closed = await closedPorts(5, PORT_RANGES.portsProbe);
    const ctx = context('STANDARD', { ports: [6379, 11211, 5432, 27017, 9200, 2375, ssh.port, ...closed] });

    const found = await runAll(ctx);

    const open = [2375, 5432, 6379, 9200, 11211, 27017, ssh.port].sort((a, b) => a - b);
    expect(keys(found)).toEqual(
      [
        ...open.map((p) => `network.open-port ${p}/tcp`),
        'network.exposed-service 6379/tcp',
        'network.exposed-service 27017/tcp',
        'network.exposed-service 2375/tcp',
        'network.memcached-unauthenticated 11211/tcp',
        'network.postgres-trust-auth 5432/tcp',
        'network.elasticsearch-unauthenticated 9200/tcp',
      ].sort(),
    );
    const byKey = new Map(found.map((f) => [`${f.checkId} ${f.location}`, f]));
    expect(byKey.get(`network.open-port ${ssh.port}/tcp`)!.evidence).toEqual({
      port: ssh.port,
      protocol: 'tcp',
      service: 'ssh',
      banner: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3',
      addresses: [TEST_HOST],
    });
    const exposedRedis = byKey.get('network.exposed-service 6379/tcp')!;
    expect(exposedRedis).toMatchObject({ severity: 'HIGH', target: `${TEST_HOST}:6379`, probe: 'network.ports' });
    expect(exposedRedis.evidence).toMatchObject({ service: 'redis', authentication: '-NOAUTH Authentication required.' });
    expect(byKey.get('network.exposed-service 27017/tcp')).toMatchObject({ severity: 'MEDIUM' });
    expect(byKey.get('network.postgres-trust-auth 5432/tcp')).toMatchObject({
      probe: 'network.postgres',
      evidence: { address: TEST_HOST, port: 5432, serverVersion: '16.4 (Debian 16.4-1.pgdg120+1)' },
    });
    // Each service heard its check's request once, though two probes needed the verdict.
    expect(redis.received.filter((r) => r.toString().startsWith('INFO')).length).toBe(1);
    expect(memcached.received.filter((r) => r.toString() === 'stats\r\n').length).toBe(1);
    expect(postgres.received.filter((r) => r.length > 0).length).toBe(1);
    expect(es.paths).toEqual(['/', '/_cat/indices?format=json&h=index']);
  });

  it('trusts the banner over the port number: SSH on 6379 is neither exposed Redis nor sent INFO', async () => {
    const fake = await start(tcpStandIn({ greeting: 'SSH-2.0-dropbear_2022.83\r\n' }, 6379));
    const found = await runAll(context('STANDARD', { ports: [6379] }));
    expect(keys(found)).toEqual(['network.open-port 6379/tcp']);
    expect(found[0]!.evidence).toMatchObject({ service: 'ssh' });
    expect(fake.received.every((r) => r.length === 0)).toBe(true);
  });

  it('in AGGRESSIVE runs a check on a non-standard port whose banner names the service, and only there', async () => {
    const ftp = await start(ftpStandIn({ anonymous: true }));
    const redis = await start(redisStandIn({ requirePassword: false }));
    const found = await runAll(context('AGGRESSIVE', { ports: [ftp.port, redis.port] }));
    expect(keys(found)).toEqual([`network.ftp-anonymous ${ftp.port}/tcp`, `network.open-port ${ftp.port}/tcp`, `network.open-port ${redis.port}/tcp`].sort());
    // A silent Redis on an unusual port is not identified, so it is not sent INFO.
    expect(redis.received.every((r) => r.length === 0)).toBe(true);
  });

  it('runs the banner match only in AGGRESSIVE', async () => {
    const ftp = await start(ftpStandIn({ anonymous: true }));
    const found = await runAll(context('STANDARD', { ports: [ftp.port] }));
    expect(keys(found)).toEqual([`network.open-port ${ftp.port}/tcp`]);
    expect(found[0]!.evidence).toMatchObject({ service: 'ftp', banner: '220 (vsFTPd 3.0.3)' });
  });

  it('runs through the engine: catalogue defaults filled in, one finding per problem', async () => {
    await start(redisStandIn({ requirePassword: false }, 6379));
    const closed = await closedPorts(3, PORT_RANGES.portsProbe);
    const findings: NewFinding[] = [];
    const events: string[] = [];
    const stats = await runEngine({
      target: normalizeTarget(TEST_HOST, 'IP'),
      addresses: new Map([[TEST_HOST, [TEST_HOST]]]),
      mode: 'ACTIVE',
      profile: profileSettings('STANDARD', { ports: [6379, ...closed] }),
      catalogue: new CheckCatalogue(PROBES),
      policy: new AddressPolicy([`${TEST_HOST}/32`]),
      activeCovers: (host) => host.addresses.every((a) => a === TEST_HOST), // as an attestation of it would
      dns: new ScanDns(),
      userAgent: 'network-probe-test',
      log: createLogger('network-probe-test', 'silent'),
      sink: {
        checkStarted: async () => undefined,
        checkFinished: async (e) => void events.push(`${e.probe}${e.error ? ` error=${e.error}` : ''}`),
        findings: async (list) => void findings.push(...list),
        progress: async () => undefined,
      },
    });
    expect(stats.probesFailed).toBe(0);
    expect(events.filter((e) => e.includes('error='))).toEqual([]);
    expect(findings.map((f) => `${f.checkId} ${f.severity} ${f.location}`).sort()).toEqual([
      'network.open-port INFO 6379/tcp',
      'network.redis-unauthenticated CRITICAL 6379/tcp',
    ]);
    const redis = findings.find((f) => f.checkId === 'network.redis-unauthenticated')!;
    expect(redis).toMatchObject({ target: `${TEST_HOST}:6379`, cweId: 'CWE-306', confidence: 'CONFIRMED', title: 'Redis accepts commands without authentication' });
    expect(redis.remediation).toContain('requirepass');
  });

  it('does nothing when the profile has no ports', async () => {
    const listener = await start(tcpStandIn({}));
    const found = await runAll(context('STANDARD', { ports: [] }));
    expect(found).toEqual([]);
    expect(listener.received).toEqual([]);
  });
});
