import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/paths.js';
import { seedClientWithKey, seedTenant } from '../factories/tenant.js';
import { ALL_SECURITY_HEADERS, startLabTarget, type LabTarget } from '../lab/lab-target.js';
import { collect, eventually, gql, wsClient } from '../support/graphql.js';
import { matrixCases, type MatrixCase, type ResourceKind } from '../support/isolation-matrix.js';
import { restClient } from '../support/rest.js';
import { startFakeStripe, stripeTestEnv, type FakeStripe } from '../support/fake-stripe.js';
import { ROUTES } from '../../rest-adapter/src/routes-table.js';
import { startTestStack, type TestStack } from './stack.js';

/** One tenant's resources and the strings that would betray them in another tenant's answer. */
interface Victim {
  key: string;
  ids: Partial<Record<ResourceKind, string>>;
  markers: string[];
}

/** Which resource each REST path parameter names; a parameter missing here fails the matrix. */
const REST_PATH_KINDS: Record<string, ResourceKind> = { job_id: 'scan', scanId: 'scan', finding_id: 'finding' };
/** Path parameters that name no resource (a report's type): a fixed value each. */
const REST_PATH_VALUES: Record<string, string> = { type: 'technical' };

/** Codes a request aimed at someone else's resource may end with; anything else fails. */
const REFUSALS = new Set(['NOT_FOUND', 'FORBIDDEN', 'BAD_USER_INPUT', 'UNAUTHENTICATED']);

describe('isolation matrix: every root field of the public schema, against another tenant’s ids', () => {
  let t: TestStack;
  let lab: LabTarget;
  let stripe: FakeStripe;
  let sdl: string;
  const scenarios: { name: string; attacker: string; admin: string; victim: Victim }[] = [];

  const call = (key: string, query: string, variables: Record<string, unknown> = {}) => gql(t.stack.gatewayUrl, query, variables, { 'x-api-key': key });

  /** A scan of the victim's (with findings), and whatever else the schema lets it own. */
  async function provision(key: string, adminKey: string, clientId: string): Promise<Victim> {
    const tag = `victim-${randomBytes(4).toString('hex')}`;
    const target = `${lab.url}${tag}`;
    const created = await call(key, `mutation($i: CreateScanInput!) { createScan(input: $i) { id } }`, { i: { target, targetType: 'URL', profile: 'LIGHT' } });
    expect(created.errors).toBeUndefined();
    const scanId: string = created.data!.createScan.id;
    const findings = await eventually(
      async () => {
        const r = await call(key, `query($id: ID!) { scan(id: $id) { status findings(first: 5) { edges { node { id } } } } }`, { id: scanId });
        return r.data?.scan.status === 'COMPLETED' ? r.data.scan.findings.edges.map((e: { node: { id: string } }) => e.node.id) : null;
      },
      90_000,
      `the victim's scan of ${target} completing`,
    );
    expect(findings.length).toBeGreaterThan(0);
    const ids: Victim['ids'] = { scan: scanId, finding: findings[0], client: clientId };
    const fields = rootFields(sdl);
    if (fields.has('createApiKey')) {
      const k = await call(adminKey, `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { apiKey { id } } }`, { i: { name: `${tag} key`, scopes: ['scans:read'], clientId } });
      expect(k.errors).toBeUndefined();
      ids.apiKey = k.data!.createApiKey.apiKey.id;
    }
    if (fields.has('attestTarget')) {
      const a = await call(adminKey, `mutation($i: AttestTargetInput!) { attestTarget(input: $i) { id } }`, { i: { target: '127.0.0.77', statement: `${tag} attests`, clientId } });
      expect(a.errors).toBeUndefined();
      ids.attestation = a.data!.attestTarget.id;
    }
    if (fields.has('registerClient')) {
      // A client token of the victim's account: its jti must not be revocable by anyone else.
      const r = await call(adminKey, `mutation($i: RegisterClientInput!) { registerClient(input: $i) { clientId jti } }`, { i: { name: `${tag} registered`, tier: 'TRIAL' } });
      expect(r.errors).toBeUndefined();
      ids.clientToken = r.data!.registerClient.jti;
    }
    if (fields.has('addDomain')) {
      const d = await call(adminKey, `mutation($i: AddDomainInput!) { addDomain(input: $i) { id } }`, { i: { domain: `${tag}.example`, clientId } });
      expect(d.errors).toBeUndefined();
      ids.domain = d.data!.addDomain.id;
    }
    if (fields.has('scheduleScan')) {
      const sc = await call(adminKey, `mutation($i: ScheduleScanInput!) { scheduleScan(input: $i) { id } }`, {
        i: { target: `${lab.url}${tag}-scheduled`, targetType: 'URL', frequency: 'WEEKLY', clientId },
      });
      expect(sc.errors).toBeUndefined();
      ids.schedule = sc.data!.scheduleScan.id;
    }
    if (fields.has('configureAlerts')) {
      // A webhook channel (to a closed loopback port: its deliveries fail, nothing leaves the machine) and one delivery.
      const ch = await call(adminKey, `mutation($i: ConfigureAlertsInput!) { configureAlerts(input: $i) { channels { id } } }`, { i: { clientId, webhookUrl: `https://127.0.0.93:9/${tag}` } });
      expect(ch.errors).toBeUndefined();
      ids.alertChannel = ch.data!.configureAlerts.channels[0].id;
      const sent = await call(adminKey, `mutation($id: ID!) { testAlert(channelId: $id) { id } }`, { id: ids.alertChannel });
      expect(sent.errors).toBeUndefined();
      ids.alertDelivery = sent.data!.testAlert.id;
    }
    const name = (await call(key, `query($id: ID!) { client(id: $id) { name } }`, { id: clientId })).data!.client.name;
    return { key, ids, markers: [tag, name, ...Object.values(ids)] };
  }

  beforeAll(async () => {
    // Billing configured against a local Stripe, so createCheckoutSession and POST /billing/checkout run for real.
    stripe = await startFakeStripe('127.0.0.83');
    t = await startTestStack('isolation-matrix', { workers: 1, env: stripeTestEnv(stripe.url) });
    lab = await startLabTarget({ headers: { ...ALL_SECURITY_HEADERS, server: 'isolation/1.0' } });
    sdl = await readFile(path.join(REPO_ROOT, 'schema', 'public.graphql'), 'utf8');
    const msp = await seedTenant(t.databaseUrl);
    const a = await seedClientWithKey(t.databaseUrl, msp.accountId, `Client A ${randomBytes(3).toString('hex')}`);
    const b = await seedClientWithKey(t.databaseUrl, msp.accountId, `Client B ${randomBytes(3).toString('hex')}`);
    const other = await seedTenant(t.databaseUrl);
    const c = await seedClientWithKey(t.databaseUrl, other.accountId, `Client C ${randomBytes(3).toString('hex')}`);
    scenarios.push(
      { name: 'a client key against another client of its own account', attacker: a.apiKey, admin: msp.apiKey, victim: await provision(b.apiKey, msp.apiKey, b.clientId) },
      { name: 'an account key against another account', attacker: msp.apiKey, admin: other.apiKey, victim: await provision(c.apiKey, other.apiKey, c.clientId) },
    );
  });
  afterAll(async () => {
    await lab?.close();
    await t?.stop();
    await stripe?.close();
  });

  it('yields not-found or nothing, and never a byte of the victim’s data, for every query, mutation and subscription', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const s of scenarios) {
      for (const c of matrixCases(sdl, s.victim.ids)) {
        checked++;
        const problem = await runCase(s.attacker, c, s.victim);
        if (problem) failures.push(`${s.name}: ${c.operation} ${c.field}${c.targetsVictim ? ' (victim ids)' : ''}: ${problem}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(2 * rootFields(sdl).size);
  });

  it('answers every REST route of the route table aimed at the victim’s ids with not-found and none of its data', async () => {
    const rest = restClient(t);
    const failures: string[] = [];
    for (const s of scenarios) {
      for (const route of ROUTES) {
        const pathIds = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
        let path = route.path;
        let problem: string | null = null;
        for (const name of pathIds) {
          if (REST_PATH_VALUES[name]) {
            path = path.replace(`{${name}}`, REST_PATH_VALUES[name]);
            continue;
          }
          const kind = REST_PATH_KINDS[name];
          const id = kind ? s.victim.ids[kind] : undefined;
          if (!id) problem = `path parameter ${name} has no kind in REST_PATH_KINDS (or no victim resource)`;
          else path = path.replace(`{${name}}`, id);
        }
        if (problem) {
          failures.push(`${s.name}: ${route.method.toUpperCase()} ${route.path}: ${problem}`);
          continue;
        }
        const headers: Record<string, string> = route.auth === 'v1' ? { authorization: `Bearer ${s.attacker}` } : { 'x-api-key': s.attacker };
        // The documents' example bodies, aimed at a closed loopback port: nothing leaves the machine.
        const body = route.requestExample && typeof route.requestExample === 'object' ? { ...(route.requestExample as object), target: 'http://127.0.0.93:9/' } : undefined;
        const res = await rest.request(route.method, path, { headers, ...(body && route.method !== 'get' ? { body } : {}) });
        const leaked = s.victim.markers.filter((m) => res.text.includes(m));
        if (leaked.length) failures.push(`${s.name}: ${route.method.toUpperCase()} ${route.path}: the answer contains the victim's ${leaked.join(', ')}`);
        if (res.status >= 500) failures.push(`${s.name}: ${route.method.toUpperCase()} ${route.path}: ${res.status} ${res.text.slice(0, 200)}`);
        if (pathIds.length && res.status !== 404) failures.push(`${s.name}: ${route.method.toUpperCase()} ${route.path}: ${res.status} instead of 404: ${res.text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('left every victim as it was: scan, finding, credentials', async () => {
    for (const { victim, admin } of scenarios) {
      if (victim.ids.apiKey) {
        const keys = await call(admin, `query { apiKeys(includeRevoked: true) { id revokedAt } }`);
        expect(keys.data!.apiKeys.find((k: { id: string }) => k.id === victim.ids.apiKey)).toMatchObject({ revokedAt: null });
      }
      const scan = await call(victim.key, `query($id: ID!) { scan(id: $id) { status } }`, { id: victim.ids.scan });
      expect(scan.data?.scan.status).toBe('COMPLETED'); // not cancelled by anyone else
      const finding = await call(victim.key, `query { findings(first: 50) { edges { node { id status history { to } } } } }`);
      const mine = finding.data!.findings.edges.find((e: { node: { id: string } }) => e.node.id === victim.ids.finding);
      expect(mine.node.status).toBe('OPEN');
      expect(mine.node.history.map((h: { to: string }) => h.to)).toEqual(['OPEN']);
    }
  });

  async function runCase(attacker: string, c: MatrixCase, victim: Victim): Promise<string | null> {
    let text: string;
    let codes: string[] = [];
    let value: unknown;
    if (c.operation === 'subscription') {
      const client = wsClient(t.stack.gatewayUrl, attacker);
      try {
        const outcome = await collect<Record<string, unknown>>(client, c.document, c.variables, { deadlineMs: 5_000, until: () => true }).then(
          (events) => ({ events, error: null as string | null }),
          (err: Error) => ({ events: [] as Record<string, unknown>[], error: err.message }),
        );
        text = JSON.stringify(outcome);
        if (outcome.error?.startsWith('[')) codes = (JSON.parse(outcome.error) as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code ?? '?');
        else if (outcome.error && !/did not end within/.test(outcome.error)) return `stream failed: ${outcome.error}`;
        value = outcome.events[0]?.[c.field] ?? null;
      } finally {
        await client.dispose();
      }
    } else {
      const res = await call(attacker, c.document, c.variables);
      text = JSON.stringify(res);
      codes = (res.errors ?? []).map((e) => String(e.extensions?.code ?? '?'));
      value = res.data?.[c.field] ?? null;
    }
    const leaked = victim.markers.filter((m) => text.includes(m));
    if (leaked.length) return `the answer contains the victim's ${leaked.join(', ')}`;
    const unexpected = codes.filter((code) => !REFUSALS.has(code));
    if (unexpected.length) return `unexpected error codes ${unexpected.join(', ')}: ${text.slice(0, 300)}`;
    if (c.targetsVictim && codes.length === 0 && !isEmpty(value)) {
      return `answered with data instead of not-found: ${text.slice(0, 300)}`;
    }
    return null;
  }
});

function rootFields(sdl: string): Set<string> {
  const names = new Set<string>();
  for (const block of sdl.matchAll(/^type (Query|Mutation|Subscription) \{([\s\S]*?)^\}/gm)) {
    for (const m of block[2]!.matchAll(/^ {2}(\w+)[(:]/gm)) names.add(m[1]!);
  }
  return names;
}

/** null, 0, false, [], or a connection without edges. */
function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') {
    const edges = (value as { edges?: unknown[] }).edges;
    return Array.isArray(edges) && edges.length === 0;
  }
  return false;
}
