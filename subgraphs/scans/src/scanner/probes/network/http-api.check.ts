import type { CheckDefinition, ProbeContext } from '../../check.js';
import { PolicyRefusedError, type SafeResponse } from '../../safe-fetch.js';
import { BudgetExhaustedError } from '../../scan-http.js';
import { hostPort, type ServiceCheck, type ServiceVerdict } from './service-check.js';

export const ELASTICSEARCH_UNAUTHENTICATED: CheckDefinition = {
  id: 'network.elasticsearch-unauthenticated',
  title: 'Elasticsearch API answers without authentication',
  category: 'network',
  severity: 'HIGH',
  cweId: 'CWE-306',
  confidence: 'CONFIRMED',
  description:
    'Requests `GET /` and `GET /_cat/indices?format=json` from the Elasticsearch (or OpenSearch) HTTP port without credentials. ' +
    'A JSON reply with `cluster_name` and `version.number` proves that security is off: anyone who reaches the port can search, ' +
    'change and delete every index. A 401 or 403 reply is not a finding.',
  evidence: 'The cluster name, the version number and how many indices the cluster listed; no documents or index names are kept.',
  remediation:
    'Enable security: on Elasticsearch 8 keep `xpack.security.enabled: true` (the default) with TLS on the HTTP layer; on 7.x set ' +
    '`xpack.security.enabled: true` and create users with `elasticsearch-setup-passwords`. Bind HTTP to private interfaces ' +
    '(`network.host: 10.0.0.5`), firewall ports 9200 and 9300, and put Kibana or an authenticating proxy in front of it.',
  mode: 'ACTIVE',
  profile: 'STANDARD',
};

export const DOCKER_API_UNAUTHENTICATED: CheckDefinition = {
  id: 'network.docker-api-unauthenticated',
  title: 'Docker Engine API is reachable without authentication',
  category: 'network',
  severity: 'CRITICAL',
  cweId: 'CWE-306',
  confidence: 'CONFIRMED',
  description:
    'Requests `GET /version` from the Docker Engine API port (2375, plain HTTP) without credentials. A JSON reply with ' +
    '`ApiVersion` proves the daemon takes commands from anyone who reaches the port, which is root on the host: one API call ' +
    'starts a privileged container that mounts the host file system (the usual cryptomining-botnet entry point).',
  evidence: 'The Docker version, API version and OS from the /version reply.',
  remediation:
    'Never expose the Docker socket over plain TCP: remove `-H tcp://0.0.0.0:2375` (dockerd flags, daemon.json `hosts`, or the ' +
    'systemd unit) and use the local unix socket, or SSH (`DOCKER_HOST=ssh://user@host`). If remote TCP access is required, ' +
    'use port 2376 with mutual TLS (`--tlsverify --tlscacert --tlscert --tlskey`) and firewall it to the admin network.',
  mode: 'ACTIVE',
  profile: 'STANDARD',
};

/** GET through the scan's HTTP client; null when the port did not answer HTTP (scan-level errors propagate). */
async function get(ctx: ProbeContext, url: string): Promise<SafeResponse | null> {
  try {
    return await ctx.http.fetch(url, { followRedirects: false, maxBodyBytes: 256 * 1024, headers: { accept: 'application/json' } });
  } catch (err) {
    if (err instanceof BudgetExhaustedError || err instanceof PolicyRefusedError || ctx.signal.aborted) throw err;
    ctx.log.debug({ url, err: (err as Error).message }, 'HTTP service check got no answer');
    return null;
  }
}

function json(res: SafeResponse): unknown {
  if (res.truncated) return null;
  try {
    return JSON.parse(res.body.toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function refusal(res: SafeResponse): ServiceVerdict | null {
  return res.status === 401 || res.status === 403 ? { kind: 'protected', detail: `HTTP ${res.status}` } : null;
}

/** Judges `GET /` of an Elasticsearch/OpenSearch node; indexCount comes from /_cat/indices when it answered. */
export function judgeElasticsearch(root: SafeResponse, indexCount: number | null): ServiceVerdict {
  const denied = refusal(root);
  if (denied) return denied;
  const body = root.status === 200 ? record(json(root)) : null;
  const version = record(body?.version);
  const clusterName = body?.cluster_name;
  const number = version?.number;
  if (typeof clusterName !== 'string' || typeof number !== 'string') return { kind: 'other' };
  const distribution = typeof version?.distribution === 'string' ? version.distribution : 'elasticsearch';
  return {
    kind: 'unauthenticated',
    evidence: { request: 'GET /', clusterName, version: number, distribution, ...(indexCount !== null ? { indexCount } : {}) },
    summary: `answered GET / without credentials (cluster ${clusterName}, ${distribution} ${number}${indexCount !== null ? `, ${indexCount} indices` : ''})`,
  };
}

/** Judges `GET /version` of a Docker Engine API. */
export function judgeDockerVersion(res: SafeResponse): ServiceVerdict {
  const denied = refusal(res);
  if (denied) return denied;
  const body = res.status === 200 ? record(json(res)) : null;
  if (!body || typeof body.ApiVersion !== 'string') return { kind: 'other' };
  const version = typeof body.Version === 'string' ? body.Version : null;
  const os = typeof body.Os === 'string' ? body.Os : null;
  return {
    kind: 'unauthenticated',
    evidence: { request: 'GET /version', apiVersion: body.ApiVersion, ...(version ? { dockerVersion: version } : {}), ...(os ? { os } : {}) },
    summary: `answered GET /version without credentials (Docker ${version ?? 'unknown'}, API ${body.ApiVersion})`,
  };
}

export const elasticsearchCheck: ServiceCheck = {
  service: 'elasticsearch',
  label: 'Elasticsearch',
  definition: ELASTICSEARCH_UNAUTHENTICATED,
  ports: [9200],
  async run(ctx, address, port): Promise<ServiceVerdict> {
    const base = `http://${hostPort(address, port)}`;
    const root = await get(ctx, `${base}/`);
    if (!root) return { kind: 'no-answer' };
    const first = judgeElasticsearch(root, null);
    if (first.kind !== 'unauthenticated') return first;
    // Proven already; the index count shows what is readable (names are not kept).
    const indices = await get(ctx, `${base}/_cat/indices?format=json&h=index`);
    const list = indices?.status === 200 ? json(indices) : null;
    return judgeElasticsearch(root, Array.isArray(list) ? list.length : null);
  },
};

export const dockerApiCheck: ServiceCheck = {
  service: 'docker',
  label: 'Docker Engine API',
  definition: DOCKER_API_UNAUTHENTICATED,
  ports: [2375],
  async run(ctx, address, port): Promise<ServiceVerdict> {
    const res = await get(ctx, `http://${hostPort(address, port)}/version`);
    return res ? judgeDockerVersion(res) : { kind: 'no-answer' };
  },
};
