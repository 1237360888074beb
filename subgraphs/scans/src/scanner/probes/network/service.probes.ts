import type { Probe, ProbeContext } from '../../check.js';
import { ftpCheck } from './ftp.check.js';
import { hostSurvey } from './host-survey.js';
import { dockerApiCheck, elasticsearchCheck } from './http-api.check.js';
import { memcachedCheck } from './memcached.check.js';
import { mongodbCheck } from './mongodb.check.js';
import { postgresCheck } from './postgres.check.js';
import { redisCheck } from './redis.check.js';
import { hostPort, type ServiceCheck } from './service-check.js';

/** Every unauthenticated-access check, in the order their probes start. */
export const SERVICE_CHECKS: readonly ServiceCheck[] = [
  redisCheck,
  memcachedCheck,
  postgresCheck,
  mongodbCheck,
  elasticsearchCheck,
  dockerApiCheck,
  ftpCheck,
];

/**
 * Runs one service check on every open port of the host where that service listens (its default
 * ports, or in AGGRESSIVE any port whose banner names it), and reports each proven port once.
 */
async function runServiceCheck(ctx: ProbeContext, check: ServiceCheck): Promise<void> {
  if (ctx.profile.ports.length === 0) return;
  const survey = hostSurvey(ctx);
  const targets = await survey.targetsOf(check);
  const results = await Promise.all(targets.map(async (t) => ({ ...t, verdict: await survey.verdict(check, t.address, t.port) })));
  const reported = new Set<number>();
  for (const { address, port, verdict } of results) {
    if (verdict.kind !== 'unauthenticated') {
      ctx.log.debug({ address, port, verdict }, `${check.service}: no unauthenticated access`);
      continue;
    }
    // One finding per port: a host's IPv4 and IPv6 addresses usually reach the same service.
    if (reported.has(port)) continue;
    reported.add(port);
    ctx.report({
      checkId: check.definition.id,
      target: hostPort(ctx.host.hostname, port),
      location: `${port}/tcp`,
      description: `${check.label} on ${hostPort(address, port)} ${verdict.summary}.`,
      evidence: { address, port, protocol: 'tcp', ...verdict.evidence },
    });
  }
}

function serviceProbe(id: string, title: string, check: ServiceCheck): Probe {
  return {
    id,
    title,
    checks: [check.definition],
    mode: 'ACTIVE',
    profile: 'STANDARD',
    run: (ctx) => runServiceCheck(ctx, check),
  };
}

export const redisProbe = serviceProbe('network.redis', 'Redis without authentication', redisCheck);
export const memcachedProbe = serviceProbe('network.memcached', 'Memcached without authentication', memcachedCheck);
export const postgresProbe = serviceProbe('network.postgres', 'PostgreSQL trust authentication', postgresCheck);
export const mongodbProbe = serviceProbe('network.mongodb', 'MongoDB without authentication', mongodbCheck);
export const elasticsearchProbe = serviceProbe('network.elasticsearch', 'Elasticsearch without authentication', elasticsearchCheck);
export const dockerApiProbe = serviceProbe('network.docker-api', 'Docker Engine API without authentication', dockerApiCheck);
export const ftpProbe = serviceProbe('network.ftp', 'FTP anonymous login', ftpCheck);

/** The service probes, for the registry. */
export const SERVICE_PROBES: readonly Probe[] = [redisProbe, memcachedProbe, postgresProbe, mongodbProbe, elasticsearchProbe, dockerApiProbe, ftpProbe];
