import type { CheckDefinition, Probe, ProbeContext } from '../../check.js';
import { hostSurvey, type HostSurvey, type OpenPort } from './host-survey.js';
import { hostPort, type ServiceVerdict } from './service-check.js';
import { SERVICE_CHECKS } from './service.probes.js';
import { EXPOSED_SERVICES, sanitizeBanner } from './services.js';

export const OPEN_PORT: CheckDefinition = {
  id: 'network.open-port',
  title: 'Open TCP port',
  category: 'network',
  severity: 'INFO',
  cweId: 'CWE-200',
  confidence: 'CONFIRMED',
  description:
    'A TCP connect scan of the profile\'s ports (STANDARD: 100 common service ports, AGGRESSIVE: 1,000) on every address of the ' +
    'host, then a read of what each open port says first (nothing is sent). Each open port is part of the attack surface and ' +
    'should be there on purpose.',
  evidence: 'The port, the service guessed from the banner or the port number, and the banner\'s first line (sanitized, truncated).',
  remediation:
    'Close every port that does not need to face the internet: stop the service or bind it to a private interface, and allow ' +
    'only the needed ports at the firewall or security group (e.g. `ufw default deny incoming && ufw allow 443/tcp`). Hide ' +
    'version details from banners where the software allows it (`ServerTokens Prod`, `DebianBanner no`).',
  mode: 'ACTIVE',
  profile: 'STANDARD',
};

export const EXPOSED_SERVICE: CheckDefinition = {
  id: 'network.exposed-service',
  title: 'Database, cache or admin service reachable from the internet',
  category: 'network',
  severity: 'HIGH',
  cweId: 'CWE-668',
  confidence: 'FIRM',
  description:
    'Flags open ports of services that should only be reachable from a private network: databases and caches (Redis, ' +
    'Memcached, PostgreSQL, MySQL, MongoDB, Elasticsearch), container and cluster APIs (Docker, etcd, kubelet) and remote ' +
    'administration (Telnet, SMB, RDP, VNC). Even when they ask for credentials they invite password guessing and ' +
    'pre-authentication exploits. Ports where an unauthenticated-access check proved open access are reported by that check instead.',
  evidence: 'The port, the service expected there, the banner if any, and whether the service asked for credentials.',
  remediation:
    'Take the service off the internet: bind it to a private interface (e.g. `bind 10.0.0.5` for Redis, `listen_addresses = ' +
    '\'10.0.0.5\'` for PostgreSQL), block the port at the firewall or security group, and reach it over a VPN, SSH tunnel or ' +
    'bastion host. Keep authentication on regardless.',
  mode: 'ACTIVE',
  profile: 'STANDARD',
};

/** An open port with every address of the host it is open on. */
interface HostPort {
  port: number;
  addresses: string[];
  first: OpenPort;
}

async function runPorts(ctx: ProbeContext): Promise<void> {
  if (ctx.profile.ports.length === 0) return;
  const survey = hostSurvey(ctx);
  const byPort = new Map<number, HostPort>();
  for (const { address, open } of await survey.addresses()) {
    for (const o of open) {
      const known = byPort.get(o.port);
      if (known) known.addresses.push(address);
      else byPort.set(o.port, { port: o.port, addresses: [address], first: o });
    }
  }
  const ports = [...byPort.values()].sort((a, b) => a.port - b.port);
  for (const p of ports) {
    const banner = sanitizeBanner(p.first.banner);
    ctx.report({
      checkId: OPEN_PORT.id,
      target: hostPort(ctx.host.hostname, p.port),
      location: `${p.port}/tcp`,
      description: `TCP port ${p.port} (${p.first.service}) accepts connections on ${p.addresses.join(', ')}${banner ? `; it greets with "${banner}"` : ''}.`,
      evidence: { port: p.port, protocol: 'tcp', service: p.first.service, banner, addresses: p.addresses },
    });
  }
  await Promise.all(ports.map((p) => reportExposed(ctx, survey, p)));
}

/** Reports a port of the exposed-services list unless a check proved it is something else or open access. */
async function reportExposed(ctx: ProbeContext, survey: HostSurvey, p: HostPort): Promise<void> {
  const exposed = EXPOSED_SERVICES.get(p.port);
  if (!exposed) return;
  // The banner names another service (say SSH on 6379): the port number says nothing then.
  if (p.first.bannerService !== null && p.first.bannerService !== exposed.service) return;
  const checks = SERVICE_CHECKS.filter((c) => c.ports.includes(p.port));
  const verdicts: ServiceVerdict[] = [];
  for (const check of checks) {
    for (const address of p.addresses) verdicts.push(await verdictOrNoAnswer(ctx, survey, check, address, p.port));
  }
  if (verdicts.some((v) => v.kind === 'unauthenticated')) return;
  if (verdicts.length > 0 && verdicts.every((v) => v.kind === 'other')) return;
  const protectedBy = verdicts.find((v): v is Extract<ServiceVerdict, { kind: 'protected' }> => v.kind === 'protected');
  const banner = sanitizeBanner(p.first.banner);
  ctx.report({
    checkId: EXPOSED_SERVICE.id,
    target: hostPort(ctx.host.hostname, p.port),
    location: `${p.port}/tcp`,
    severity: exposed.severity,
    title: `${exposed.label} reachable from the internet (${p.port}/tcp)`,
    description:
      `Port ${p.port}/tcp, where ${exposed.label} listens, accepts connections on ${p.addresses.join(', ')}. ` +
      `${exposed.label} ${exposed.risk}.${protectedBy ? ` It asked for credentials (${protectedBy.detail}), which limits but does not remove the risk.` : ''}`,
    evidence: {
      port: p.port,
      protocol: 'tcp',
      service: exposed.service,
      addresses: p.addresses,
      ...(banner ? { banner } : {}),
      ...(protectedBy ? { authentication: protectedBy.detail } : {}),
    },
  });
}

async function verdictOrNoAnswer(ctx: ProbeContext, survey: HostSurvey, ...[check, address, port]: Parameters<HostSurvey['verdict']>): Promise<ServiceVerdict> {
  try {
    return await survey.verdict(check, address, port);
  } catch (err) {
    // The service probe reports its own failure (budget, abort); here it only means "not proven".
    if (ctx.signal.aborted) throw err;
    return { kind: 'no-answer' };
  }
}

/** The port scan: open ports of the host and the exposed databases, caches and admin services among them. */
export const portsProbe: Probe = {
  id: 'network.ports',
  title: 'Open ports and exposed services',
  checks: [OPEN_PORT, EXPOSED_SERVICE],
  mode: 'ACTIVE',
  profile: 'STANDARD',
  run: runPorts,
};
