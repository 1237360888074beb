import { graphql } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import type { Identity } from '../../../lib/auth/identity.js';
import { SCOPES } from '../../../lib/auth/tenant.js';
import { openModuleOrm, type MikroORM } from '../../../lib/db/orm.js';
import { FindingsContext, type FindingsServices } from '../../../subgraphs/findings/src/context.js';
import { DEFAULT_SLA_DAYS } from '../../../subgraphs/findings/src/finding/finding-metrics.service.js';
import { findingsDb, FindingWriter } from '../../../subgraphs/findings/src/module.js';
import { buildFindingsSchema } from '../../../subgraphs/findings/src/schema.js';
import { newFinding } from '../../factories/finding.js';
import { createTestDatabase } from '../../support/database.js';

/** Reading findings neither publishes changes nor looks clients up: any use fails the test. */
const unusedServices: FindingsServices = {
  changes: new Proxy({} as FindingsServices['changes'], {
    get: () => {
      throw new Error('reading findings must not use the change bus');
    },
  }),
  clients: () => {
    throw new Error('reading findings must not look clients up');
  },
  slaDays: DEFAULT_SLA_DAYS,
  alerts: new Proxy({} as FindingsServices['alerts'], {
    get: () => {
      throw new Error('reading findings must not use alerts');
    },
  }),
};

type Control = { id: string; name: string };
type Row = { checkId: string; iso27001ControlId: string | null; cccsControls: Control[]; itsg33Families: Control[] };

describe('Canadian framework fields of Finding, through the findings subgraph schema', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let orm: MikroORM;
  const accountId = uuidv7();
  const clientId = uuidv7();
  const identity: Identity = { accountId, clientId, scopes: [...SCOPES], credentialId: uuidv7(), credentialHash: 'x' };

  beforeAll(async () => {
    // No intel feeds are loaded: the Canadian fields come from the authored file alone.
    db = await createTestDatabase('canadian_frameworks');
    orm = await openModuleOrm(findingsDb, { url: db.url, poolMax: 2 });
    await new FindingWriter(orm.em.fork()).record({ accountId, clientId, scanId: uuidv7() }, [
      newFinding({ checkId: 'transport.no-https', cweId: 'CWE-319', location: 'a' }),
      newFinding({ checkId: 'network.redis-unauthenticated', cweId: 'CWE-306', location: 'b' }),
      newFinding({ checkId: 'software.known-vulnerable', location: 'c', cveIds: ['CVE-2021-41773'] }),
      newFinding({ checkId: 'retired.check', cweId: null, location: 'd' }),
    ]);
  });
  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  it('carries CCCS baseline controls and ITSG-33 families with their names on every finding', async () => {
    const { schema } = await buildFindingsSchema();
    const result = await graphql({
      schema,
      source: '{ findings(first: 10) { edges { node { checkId iso27001ControlId cccsControls { id name } itsg33Families { id name } } } } }',
      contextValue: new FindingsContext(identity, orm.em.fork(), unusedServices),
    });
    expect(result.errors).toBeUndefined();
    const rows = (result.data as { findings: { edges: { node: Row }[] } }).findings.edges.map((e) => e.node);
    const by = new Map(rows.map((r) => [r.checkId, r]));
    expect(by.get('transport.no-https')).toMatchObject({
      iso27001ControlId: 'A.8.24',
      cccsControls: [{ id: 'BC.11', name: 'Secure websites' }],
      itsg33Families: [{ id: 'SC', name: 'System and Communications Protection' }],
    });
    expect(by.get('network.redis-unauthenticated')).toMatchObject({
      cccsControls: [
        { id: 'BC.5', name: 'Use strong user authentication' },
        { id: 'BC.9', name: 'Establish basic perimeter defences' },
        { id: 'BC.12', name: 'Implement access control and authorization' },
      ],
      itsg33Families: [
        { id: 'IA', name: 'Identification and Authentication' },
        { id: 'AC', name: 'Access Control' },
        { id: 'SC', name: 'System and Communications Protection' },
      ],
    });
    expect(by.get('software.known-vulnerable')?.cccsControls).toEqual([{ id: 'BC.2', name: 'Automatically patch operating systems and applications' }]);
    // A check the files do not map (one retired since the finding was stored) lists none, not an error.
    expect(by.get('retired.check')).toMatchObject({ cccsControls: [], itsg33Families: [] });
  });
});
