import { afterEach, describe, expect, it } from 'vitest';
import { makeProbeContext } from '../../../../../../test/support/probe-context.js';
import { dockerApiCheck, elasticsearchCheck } from './http-api.check.js';
import { httpStandIn, TEST_HOST, type StandIn } from './stand-in-servers.test-util.js';

const ctx = () => makeProbeContext({ target: TEST_HOST, targetType: 'IP', mode: 'ACTIVE' });

const ES_ROOT = {
  name: 'node-1',
  cluster_name: 'search-prod',
  cluster_uuid: 'kHn0Xr5DTZ2q3Jc0d8lJ8w',
  version: { number: '7.17.18', build_flavor: 'default', lucene_version: '8.11.1' },
  tagline: 'You Know, for Search',
};

describe('elasticsearch check', () => {
  let server: (StandIn & { paths: string[] }) | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('reports cluster_name and version.number from GET / and counts the indices', async () => {
    server = await httpStandIn({
      '/': { status: 200, body: ES_ROOT },
      '/_cat/indices?format=json&h=index': { status: 200, body: [{ index: 'orders' }, { index: 'users' }] },
    });
    expect(await elasticsearchCheck.run(ctx(), TEST_HOST, server.port)).toEqual({
      kind: 'unauthenticated',
      evidence: { request: 'GET /', clusterName: 'search-prod', version: '7.17.18', distribution: 'elasticsearch', indexCount: 2 },
      summary: 'answered GET / without credentials (cluster search-prod, elasticsearch 7.17.18, 2 indices)',
    });
    expect(server.paths).toEqual(['/', '/_cat/indices?format=json&h=index']);
  });

  it('does not report a 401 security challenge, and asks nothing more', async () => {
    server = await httpStandIn({
      '/': { status: 401, body: { error: { type: 'security_exception' } }, headers: { 'www-authenticate': 'Basic realm="security"' } },
    });
    expect(await elasticsearchCheck.run(ctx(), TEST_HOST, server.port)).toEqual({ kind: 'protected', detail: 'HTTP 401' });
    expect(server.paths).toEqual(['/']);
  });

  it('calls another JSON service on the port "other"', async () => {
    server = await httpStandIn({ '/': { status: 200, body: { status: 'ok', version: '1.2.3' } } });
    expect(await elasticsearchCheck.run(ctx(), TEST_HOST, server.port)).toEqual({ kind: 'other' });
  });
});

describe('docker api check', () => {
  let server: (StandIn & { paths: string[] }) | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('reports the ApiVersion from GET /version', async () => {
    server = await httpStandIn({
      '/version': { status: 200, body: { Version: '24.0.7', ApiVersion: '1.43', MinAPIVersion: '1.12', Os: 'linux', Arch: 'amd64', KernelVersion: '6.1.0-18-amd64' } },
    });
    expect(await dockerApiCheck.run(ctx(), TEST_HOST, server.port)).toEqual({
      kind: 'unauthenticated',
      evidence: { request: 'GET /version', apiVersion: '1.43', dockerVersion: '24.0.7', os: 'linux' },
      summary: 'answered GET /version without credentials (Docker 24.0.7, API 1.43)',
    });
    expect(server.paths).toEqual(['/version']);
  });

  it('does not report a 403 from an authenticating proxy, nor a page without ApiVersion', async () => {
    server = await httpStandIn({ '/version': { status: 403, body: { message: 'forbidden' } } });
    expect(await dockerApiCheck.run(ctx(), TEST_HOST, server.port)).toEqual({ kind: 'protected', detail: 'HTTP 403' });
    await server.close();
    server = await httpStandIn({ '/version': { status: 200, body: { version: '2.0' } } });
    expect(await dockerApiCheck.run(ctx(), TEST_HOST, server.port)).toEqual({ kind: 'other' });
  });

  it('gives "no-answer" when nothing listens', async () => {
    server = await httpStandIn({});
    const port = server.port;
    await server.close();
    server = null;
    expect(await dockerApiCheck.run(ctx(), TEST_HOST, port)).toEqual({ kind: 'no-answer' });
  });
});
