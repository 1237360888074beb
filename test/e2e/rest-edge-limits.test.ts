import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../lib/auth/api-key.js';
import { seedTenant, type SeededTenant } from '../factories/tenant.js';
import { restClient, type RestClient, type RestResponse } from '../support/rest.js';
import { startTestStack, type TestStack } from './stack.js';

/** This file's loopback address: requests "from another caller" are sent from it. */
const ADDRESS = '127.0.0.64';
/** Five requests a minute: the sixth is refused for the rest of the minute. */
const LIMIT = 5;

/** A GET to the adapter from a chosen local address (fetch cannot pick one), checked against the spec. */
function getFrom(rest: RestClient, localAddress: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${rest.baseUrl}${path}`, { method: 'GET', headers, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          rest.checker.check('get', path, res.statusCode!, res.headers['content-type'] ?? null, text);
          resolve({ status: res.statusCode!, body: JSON.parse(text) });
        } catch (err) {
          reject(err);
        }
      });
    });
    req.once('error', reject);
    req.end();
  });
}

describe('the edge limits through the REST adapter', () => {
  let t: TestStack;
  let tenant: SeededTenant;
  let rest: RestClient;

  beforeAll(async () => {
    t = await startTestStack('rest-edge-limits', {
      workers: 0,
      env: { RATE_LIMIT_BURST_PER_SECOND: String(LIMIT), RATE_LIMIT_PER_MINUTE: String(LIMIT), GRAPHQL_MAX_BATCH: String(LIMIT) },
    });
    tenant = await seedTenant(t.databaseUrl);
    rest = restClient(t);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('surfaces the gateway\'s 429 as rate_limited with retry_after_seconds, Retry-After and the RateLimit headers', async () => {
    const statuses: number[] = [];
    let limited: RestResponse | null = null;
    for (let i = 0; i < LIMIT + 3 && !limited; i++) {
      const res = await rest.get('/api/v1/scans', { headers: { authorization: `Bearer ${tenant.apiKey}` } });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses).toEqual([...Array(LIMIT).fill(200), 429]);
    expect(limited!.body).toEqual({ error: 'rate_limited', retry_after_seconds: expect.any(Number) });
    const seconds = limited!.body.retry_after_seconds as number;
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(limited!.headers.get('retry-after')).toBe(String(seconds));
    expect(limited!.headers.get('ratelimit-policy')).toBe(`${LIMIT};w=1, ${LIMIT};w=60`);
  });

  it('counts callers without a valid credential by their own address, not the adapter\'s', async () => {
    const unknown = { authorization: `Bearer ${generateApiKey()}` };
    const fromOther: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++) fromOther.push((await getFrom(rest, ADDRESS, '/api/v1/scans', unknown)).status);
    expect(fromOther).toEqual([...Array(LIMIT).fill(401), 429]);
    // Another address (the adapter's own, had the gateway counted its socket) is not limited by
    // that. (Another unknown credential: the adapter counts each presented credential too.)
    const fromHere = await getFrom(rest, '127.0.0.1', '/api/v1/scans', { authorization: `Bearer ${generateApiKey()}` });
    expect(fromHere).toEqual({ status: 401, body: { error: 'invalid_token' } });
  });

  it('counts a REST request once, however many GraphQL operations its route runs', async () => {
    const other = await seedTenant(t.databaseUrl);
    const auth = { authorization: `Bearer ${other.apiKey}` };
    const created = await rest.post('/api/v1/scans', { headers: auth, body: { target: 'http://127.0.0.91:9/' } });
    expect(created.status).toBe(200);
    // Each of these runs the scan query and then its findings: two operations, one request.
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) statuses.push((await rest.get(`/api/v1/scans/${created.body.id as string}?include_findings=true`, { headers: auth })).status);
    expect(statuses).toEqual([...Array(LIMIT - 1).fill(200), 429]);
  });
});
