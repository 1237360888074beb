import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SCOPES } from '../../lib/auth/tenant.js';
import { SCHEMA_DIR } from '../../lib/paths.js';
import { describeShortfall, missingScopes, ROOT_FIELD_SCOPES, type RootType } from './scope-rules.js';

const schema = buildSchema(readFileSync(path.join(SCHEMA_DIR, 'public.graphql'), 'utf8'));
const ALL = [...SCOPES];
const only = (...scopes: string[]) => scopes;

describe('scope rules', () => {
  it('name a rule for every root field of the public schema, so a new field cannot slip through', () => {
    const unruled: string[] = [];
    const roots: [RootType, ReturnType<typeof schema.getQueryType>][] = [
      ['Query', schema.getQueryType()],
      ['Mutation', schema.getMutationType()],
      ['Subscription', schema.getSubscriptionType()],
    ];
    for (const [root, type] of roots) {
      for (const field of Object.keys(type?.getFields() ?? {})) {
        if (!Object.hasOwn(ROOT_FIELD_SCOPES[root], field)) unruled.push(`${root}.${field}`);
      }
    }
    expect(unruled, 'add these to ROOT_FIELD_SCOPES in gateway/src/scope-rules.ts').toEqual([]);
  });

  it('name only root fields that exist: a rule for a renamed or removed field is a stale rule', () => {
    const stale: string[] = [];
    const types = { Query: schema.getQueryType(), Mutation: schema.getMutationType(), Subscription: schema.getSubscriptionType() };
    for (const [root, rules] of Object.entries(ROOT_FIELD_SCOPES) as [RootType, Record<string, unknown>][]) {
      const fields = types[root]?.getFields() ?? {};
      for (const field of Object.keys(rules)) if (!Object.hasOwn(fields, field)) stale.push(`${root}.${field}`);
    }
    expect(stale, 'remove these from ROOT_FIELD_SCOPES in gateway/src/scope-rules.ts').toEqual([]);
  });

  it('only name scopes that exist', () => {
    for (const rules of Object.values(ROOT_FIELD_SCOPES)) {
      for (const scope of Object.values(rules)) if (scope !== null) expect(SCOPES).toContain(scope);
    }
  });

  it('let a credential with every scope run anything that has a rule', () => {
    const doc = parse(`mutation { createScan(input: { target: "x", targetType: URL }) { id } cancelScan(id: "1") { id } remediateFinding(input: { findingId: "1", status: FIXED }) { id } }`);
    expect(missingScopes(doc, null, ALL)).toEqual([]);
  });

  it('refuse createScan without scans:write, naming the scope, but allow reading scans', () => {
    const readOnly = only('scans:read', 'findings:read');
    const create = missingScopes(parse(`mutation { createScan(input: { target: "x", targetType: URL }) { id } }`), null, readOnly);
    expect(create).toEqual([{ field: 'createScan', scope: 'scans:write' }]);
    expect(describeShortfall(create)).toBe('This credential lacks the scans:write scope (needed by createScan)');
    expect(missingScopes(parse(`{ scans { edges { node { id } } } checks { id } }`), null, readOnly)).toEqual([]);
  });

  it('check subscriptions too', () => {
    const doc = parse(`subscription { scanUpdated(id: "1") { status } }`);
    expect(missingScopes(doc, null, only('findings:read'))).toEqual([{ field: 'scanUpdated', scope: 'scans:read' }]);
    expect(missingScopes(doc, null, only('scans:read'))).toEqual([]);
  });

  it('see root fields behind fragments, inline fragments and aliases', () => {
    const doc = parse(`
      query Mixed { ...Root ... on Query { f: findings { edges { cursor } } } }
      fragment Root on Query { scans { edges { cursor } } me { scopes } }
    `);
    expect(missingScopes(doc, 'Mixed', [])).toEqual([
      { field: 'scans', scope: 'scans:read' },
      { field: 'findings', scope: 'findings:read' },
    ]);
  });

  it('check only the operation that runs, and need nothing for me, plans or __typename', () => {
    const doc = parse(`query A { me { scopes } plans { tier } __typename } mutation B { cancelScan(id: "1") { id } }`);
    expect(missingScopes(doc, 'A', [])).toEqual([]);
    expect(missingScopes(doc, 'B', [])).toEqual([{ field: 'cancelScan', scope: 'scans:write' }]);
  });

  it('refuse a root field that has no rule, whatever the scopes', () => {
    const shortfall = missingScopes(parse(`mutation { dropEverything }`), null, ALL);
    expect(shortfall).toEqual([{ field: 'dropEverything', scope: null }]);
    expect(describeShortfall(shortfall)).toBe('dropEverything has no access rule at the gateway and is refused');
  });

  it('cover the credential, client and ownership fields being added', () => {
    const q = ROOT_FIELD_SCOPES.Query;
    const m = ROOT_FIELD_SCOPES.Mutation;
    for (const f of ['createApiKey', 'revokeApiKey', 'createClient', 'updateClient', 'registerClient', 'revokeClientToken']) expect(m[f]).toBe('clients:admin');
    for (const f of ['addDomain', 'verifyDomain', 'attestTarget']) expect(m[f]).toBe('scans:write');
    expect(q.apiKeys).toBe('clients:admin');
    expect(q.domains).toBe('scans:read');
  });
});
