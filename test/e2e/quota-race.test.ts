import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant, type SeededTenant } from '../factories/tenant.js';
import { ALL_SECURITY_HEADERS, startLabTarget, type LabTarget } from '../lab/lab-target.js';
import { gql } from '../support/graphql.js';
import { startTestStack, type TestStack } from './stack.js';

describe('quota under a race, through the gateway', () => {
  let t: TestStack;
  let tenant: SeededTenant;
  let lab: LabTarget;

  beforeAll(async () => {
    // No worker: the scans stay queued; what counts is how many createScan admits.
    t = await startTestStack('quota-race', { workers: 0 });
    tenant = await seedTenant(t.databaseUrl);
    lab = await startLabTarget({ headers: ALL_SECURITY_HEADERS });
  });
  afterAll(async () => {
    await lab?.close();
    await t?.stop();
  });

  it('admits exactly 2 of 20 concurrent scans of a trial client and refuses the rest with the quota', async () => {
    const registered = await gql(
      t.stack.gatewayUrl,
      `mutation { registerClient(input: { name: "Trial Co", email: "sec@trial.example", tier: TRIAL }) { clientId token tier scanLimit } }`,
      {},
      { 'x-api-key': tenant.apiKey },
    );
    expect(registered.errors).toBeUndefined();
    const { token, clientId } = registered.data!.registerClient;
    expect(registered.data!.registerClient).toMatchObject({ tier: 'TRIAL', scanLimit: 2 });
    const bearer = { authorization: `Bearer ${token}` };

    const results = await Promise.all(
      Array.from({ length: 20 }, () => gql(t.stack.gatewayUrl, `mutation($i: CreateScanInput!) { createScan(input: $i) { id } }`, { i: { target: lab.url, targetType: 'URL' } }, bearer)),
    );
    const created = results.filter((r) => r.data?.createScan?.id);
    const refused = results.filter((r) => r.errors?.[0]?.extensions?.code === 'QUOTA_EXCEEDED');
    expect(created).toHaveLength(2);
    expect(refused).toHaveLength(18);
    for (const r of refused) expect(r.errors![0]!.extensions!.quota).toEqual({ limit: 2, used: 2, period_end: null });

    // What the client sees of itself, and what its account sees.
    const me = await gql(t.stack.gatewayUrl, `query { me { credentialKind client { id plan { tier scanLimit } usage { used limit periodEnd } } } }`, {}, bearer);
    expect(me.data!.me).toMatchObject({ credentialKind: 'CLIENT_TOKEN', client: { id: clientId, plan: { tier: 'trial', scanLimit: 2 }, usage: { used: 2, limit: 2, periodEnd: null } } });
    const scans = await gql(t.stack.gatewayUrl, `query { scans(first: 50) { edges { node { id client { id } } } } }`, {}, { 'x-api-key': tenant.apiKey });
    expect(scans.data!.scans.edges.filter((e: { node: { client: { id: string } } }) => e.node.client.id === clientId)).toHaveLength(2);
  });
});
