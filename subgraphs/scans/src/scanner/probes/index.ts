import type { Probe } from '../check.js';
import { dnsProbe } from './dns/dns.probe.js';
import { exposureProbe } from './exposure/exposure.probe.js';
import { portsProbe } from './network/ports.probe.js';
import { SERVICE_PROBES } from './network/service.probes.js';
import { secretsProbe } from './secrets/secrets.probe.js';
import { softwareProbe } from './software/software.probe.js';
import { tlsProbe } from './tls/tls.probe.js';
import { cookiesProbe } from './web/cookies.probe.js';
import { corsProbe } from './web/cors.probe.js';
import { headersProbe } from './web/headers.probe.js';
import { performanceProbe } from './web/performance.probe.js';
import { transportProbe } from './web/transport.probe.js';

/**
 * Every probe the engine runs, in the order they start on a host. Each module owns its checks'
 * catalogue entries; the catalogue is the union of theirs.
 */
export const PROBES: readonly Probe[] = [
  tlsProbe,
  headersProbe,
  cookiesProbe,
  transportProbe,
  corsProbe,
  performanceProbe,
  softwareProbe,
  secretsProbe,
  exposureProbe,
  dnsProbe,
  portsProbe,
  ...SERVICE_PROBES,
];
