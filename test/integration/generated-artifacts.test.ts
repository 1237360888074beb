import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSchemaArtifacts } from '../../cli/schema-artifacts.js';
import { openModuleOrm } from '../../lib/db/orm.js';
import { SCHEMA_DIR } from '../../lib/paths.js';
import { OPENAPI_PATH, openApiYaml } from '../../rest-adapter/src/openapi/openapi-artifact.js';
import { billingDb } from '../../subgraphs/billing/src/module.js';
import { clientsDb } from '../../subgraphs/clients/src/module.js';
import { findingsDb } from '../../subgraphs/findings/src/module.js';
import { scansDb } from '../../subgraphs/scans/src/module.js';
import { createTestDatabase } from '../support/database.js';

describe('generated artifacts', () => {
  it('has committed subgraph SDLs and a supergraph that match the code (run npm run generate)', async () => {
    const files = await buildSchemaArtifacts();
    expect(Object.keys(files).sort()).toEqual(['billing.graphql', 'clients.graphql', 'findings.graphql', 'public.graphql', 'scans.graphql', 'supergraph.graphql']);
    for (const [name, text] of Object.entries(files)) {
      const committed = await readFile(path.join(SCHEMA_DIR, name), 'utf8').catch(() => '');
      expect(committed, `schema/${name} is stale: run npm run generate`).toBe(text);
    }
  });

  it('has a committed REST OpenAPI document that matches the route table (run npm run generate)', async () => {
    const committed = await readFile(OPENAPI_PATH, 'utf8').catch(() => '');
    expect(committed, 'rest-adapter/openapi.yaml is stale: run npm run generate').toBe(openApiYaml());
  });

  it('composes the contract the clients rely on', async () => {
    const schema = buildSchema((await buildSchemaArtifacts())['public.graphql']!);
    const args = (type: string, field: string) => {
      const f = (schema.getType(type) as GraphQLObjectType).getFields()[field]!;
      return [String(f.type), Object.fromEntries(f.args.map((a) => [a.name, String(a.type)]))];
    };
    expect(args('Mutation', 'createScan')).toEqual(['Scan!', { input: 'CreateScanInput!' }]);
    expect(args('Query', 'scan')).toEqual(['Scan', { id: 'ID!' }]);
    expect(args('Query', 'scans')).toEqual(['ScanConnection!', { first: 'Int', after: 'String' }]);
    expect(args('Query', 'findings')).toEqual(['FindingConnection!', { filter: 'FindingFilter', first: 'Int', after: 'String', orderBy: 'FindingOrder!' }]);
    expect(args('Mutation', 'cancelScan')).toEqual(['Scan!', { id: 'ID!' }]);
    expect(args('Mutation', 'remediateFinding')).toEqual(['Finding!', { input: 'RemediateFindingInput!' }]);
    expect(args('Subscription', 'scanEvents')).toEqual(['ScanEvent!', { id: 'ID!' }]);
    expect(args('Query', 'checks')).toEqual(['[Check!]!', { category: 'String', mode: 'ScanMode', profile: 'ScanProfile' }]);
    expect(args('Query', 'intelStatus')).toEqual(['[IntelFeedStatus!]!', {}]);
    expect(args('Subscription', 'scanUpdated')).toEqual(['Scan!', { id: 'ID!' }]);
    expect(args('Subscription', 'findingChanged')).toEqual(['FindingChange!', { clientId: 'ID', after: 'String' }]);
    expect(args('Query', 'me')).toEqual(['Me!', {}]);
    expect(args('Query', 'clients')).toEqual(['[Client!]!', { first: 'Int' }]);
    expect(args('Query', 'client')).toEqual(['Client', { id: 'ID!' }]);
    expect(args('Mutation', 'createClient')).toEqual(['Client!', { input: 'CreateClientInput!' }]);
    expect(args('Mutation', 'updateClient')).toEqual(['Client!', { id: 'ID!', input: 'UpdateClientInput!' }]);
    expect(args('Mutation', 'registerClient')).toEqual(['RegisteredClient!', { input: 'RegisterClientInput!' }]);
    expect(args('Mutation', 'revokeClientToken')).toEqual(['Int!', { jti: 'String', clientId: 'ID' }]);
    expect(args('Query', 'apiKeys')).toEqual(['[ApiKey!]!', { first: 'Int', includeRevoked: 'Boolean' }]);
    expect(args('Mutation', 'createApiKey')).toEqual(['CreatedApiKey!', { input: 'CreateApiKeyInput!' }]);
    expect(args('Mutation', 'revokeApiKey')).toEqual(['ApiKey!', { id: 'ID!' }]);
    expect(args('Scan', 'findingsSummary')).toEqual(['FindingsSummary!', {}]);
    expect(args('Scan', 'findings')).toEqual(['FindingConnection!', { first: 'Int', after: 'String' }]);
    expect(args('Client', 'usage')[0]).toBe('Usage!');
    expect(args('Mutation', 'addDomain')).toEqual(['TargetDomain!', { input: 'AddDomainInput!' }]);
    expect(args('Mutation', 'verifyDomain')).toEqual(['DomainVerificationResult!', { id: 'ID!', method: 'VerificationMethod!' }]);
    expect(args('Query', 'domains')).toEqual(['[TargetDomain!]!', { clientId: 'ID' }]);
    expect(args('Mutation', 'removeDomain')).toEqual(['Boolean!', { id: 'ID!' }]);
    expect(args('Mutation', 'attestTarget')).toEqual(['TargetAttestation!', { input: 'AttestTargetInput!' }]);
    expect(args('Query', 'attestations')).toEqual(['[TargetAttestation!]!', { clientId: 'ID' }]);
    expect(args('Mutation', 'revokeAttestation')).toEqual(['TargetAttestation!', { id: 'ID!' }]);
    expect(args('Scan', 'authorisation')).toEqual(['ScanAuthorisation', {}]);
    expect(args('Mutation', 'updateAccountBranding')).toEqual(['Account!', { input: 'AccountBrandingInput!' }]);
    expect(args('Account', 'branding')).toEqual(['AccountBranding!', {}]);
    expect(args('Finding', 'cccsControls')).toEqual(['[FrameworkControl!]!', {}]);
    expect(args('Finding', 'itsg33Families')).toEqual(['[FrameworkControl!]!', {}]);
    const scanFields = Object.keys((schema.getType('Scan') as GraphQLObjectType).getFields());
    for (const f of ['id', 'target', 'targetType', 'profile', 'mode', 'status', 'progress', 'error', 'triggeredBy', 'createdAt', 'startedAt', 'completedAt', 'client']) {
      expect(scanFields).toContain(f);
    }
    const findingFields = Object.keys((schema.getType('Finding') as GraphQLObjectType).getFields());
    for (const f of ['id', 'scanId', 'checkId', 'severity', 'title', 'description', 'evidence', 'remediation', 'cweId', 'createdAt']) {
      expect(findingFields).toContain(f);
    }
  });

  it('has migrations that produce exactly the schema the entities describe (run npm run migration:create)', async () => {
    const db = await createTestDatabase('migrations');
    try {
      for (const spec of [clientsDb, billingDb, scansDb, findingsDb]) {
        const orm = await openModuleOrm(spec, { url: db.url, poolMax: 1 });
        try {
          expect(await orm.migrator.getPending(), `${spec.schema} has unapplied migrations in the template`).toEqual([]);
          expect(await orm.migrator.checkSchema(), `${spec.schema}: entities differ from migrations`).toBe(false);
        } finally {
          await orm.close();
        }
      }
    } finally {
      await db.drop();
    }
  });
});
