import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, SCHEMA_DIR } from '../../lib/paths.js';
import { gatewayEnv } from './env.js';
import { hardeningPlugin, type GraphQLLimits } from './hardening.plugin.js';

const schema: GraphQLSchema = buildSchema(readFileSync(path.join(SCHEMA_DIR, 'public.graphql'), 'utf8'));
const defaults = gatewayEnv.parse({ DATABASE_URL: 'postgres://u@127.0.0.1/db', INTERNAL_TOKEN_SECRET: 's'.repeat(32), CLIENT_TOKEN_SECRET: 'c'.repeat(32) });
const DEFAULT_LIMITS: GraphQLLimits = {
  maxDepth: defaults.GRAPHQL_MAX_DEPTH,
  maxCost: defaults.GRAPHQL_MAX_COST,
  maxAliases: defaults.GRAPHQL_MAX_ALIASES,
  maxTokens: defaults.GRAPHQL_MAX_TOKENS,
  introspection: defaults.GRAPHQL_INTROSPECTION,
};

/** A GraphQL server with the public schema (no resolvers: fields answer null) and the plugin. */
function server(limits: Partial<GraphQLLimits> = {}) {
  const yoga = createYoga({ schema, plugins: [hardeningPlugin({ ...DEFAULT_LIMITS, ...limits })], logging: false });
  return async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { errors?: { message: string; extensions?: Record<string, unknown> }[] };
    // No resolvers here: fields answer null, so non-null fields error at execution (INTERNAL_SERVER_ERROR).
    const codes = (body.errors ?? []).map((e) => e.extensions?.code).filter((c) => c !== 'INTERNAL_SERVER_ERROR');
    return { status: res.status, errors: body.errors ?? [], codes };
  };
}

describe('GraphQL limits at the gateway', () => {
  it('refuses an operation deeper than GRAPHQL_MAX_DEPTH with DEPTH_LIMIT_EXCEEDED and the limit', async () => {
    const run = server({ maxDepth: 4 });
    const deep = await run('{ scans { edges { node { client { account { id } } } } } }'); // depth 6
    expect(deep.status).toBe(400);
    expect(deep.codes).toEqual(['DEPTH_LIMIT_EXCEEDED']);
    expect(deep.errors[0]!.extensions?.limit).toBe(4);
    expect(deep.errors[0]!.message).toMatch(/depth limit of 4/i);
    expect(deep.errors[0]!.message).not.toMatch(/Syntax Error|at .*\.js/);
    expect((await run('{ scans { edges { cursor } } }')).codes).toEqual([]);
    expect((await run('query { ...A } fragment A on Query { scans { ...B } } fragment B on ScanConnection { edges { cursor } }')).codes).toEqual([]);
  });

  it('prices list sizes given by variables, so first: $n costs as much as first: 100', async () => {
    const run = server({ maxCost: 5000 });
    const query = `query($n: Int) { scans(first: $n) { edges { node { findings(first: $n) { edges { node { id title } } } } } } }`;
    const literal = await run(query.replace(/\$n(?!:)/g, '100').replace('query($n: Int) ', ''));
    expect(literal.codes).toEqual(['COST_LIMIT_EXCEEDED']);
    const viaVariables = await run(query, { n: 100 });
    expect(viaVariables.codes).toEqual(['COST_LIMIT_EXCEEDED']);
    expect(viaVariables.errors[0]!.extensions?.limit).toBe(5000);
    expect((await run(query, { n: 2 })).codes).toEqual([]);
  });

  it('refuses too many aliases and too many tokens with their codes', async () => {
    const run = server({ maxAliases: 3, maxTokens: 60 });
    const aliases = await run(`{ a: me { scopes } b: me { scopes } c: me { scopes } d: me { scopes } }`);
    expect(aliases.codes).toEqual(['ALIAS_LIMIT_EXCEEDED']);
    const tokens = await run(`{ me { ${'scopes '.repeat(80)}} }`);
    expect(tokens.status).toBe(400);
    expect(tokens.codes).toEqual(['TOKEN_LIMIT_EXCEEDED']);
    expect(tokens.errors[0]!.message).toBe('Token limit of 60 exceeded');
  });

  it('refuses introspection unless enabled, and hides field suggestions while it is off', async () => {
    const closed = server();
    const schemaQuery = await closed('{ __schema { queryType { name } } }');
    expect(schemaQuery.status).toBe(400);
    expect(schemaQuery.codes).toEqual(['INTROSPECTION_DISABLED']);
    expect((await closed('{ t: __type(name: "Scan") { name } }')).codes).toEqual(['INTROSPECTION_DISABLED']);
    expect((await closed('{ __typename }')).codes).toEqual([]);
    const typo = await closed('{ scan(id: "1") { statu } }');
    expect(typo.errors[0]!.message).toBe('Cannot query field "statu" on type "Scan".');

    const open = server({ introspection: true });
    expect((await open('{ __schema { queryType { name } } }')).codes).toEqual([]);
    expect((await open('{ scan(id: "1") { statu } }')).errors[0]!.message).toMatch(/Did you mean .*"status"\?/);
  });

  it('lets the standard introspection query through when introspection is enabled', async () => {
    const { getIntrospectionQuery } = await import('graphql');
    expect((await server({ introspection: true })(getIntrospectionQuery())).codes).toEqual([]);
  });
});

/** Every GraphQL document in the tests, benches and README, valid against the public schema. */
function legitimateDocuments(): { where: string; query: string }[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts')) files.push(full);
    }
  };
  walk(path.join(REPO_ROOT, 'test'));
  walk(path.join(REPO_ROOT, 'bench'));
  const found: { where: string; query: string }[] = [];
  const keep = (where: string, query: string): void => {
    try {
      const doc = parse(query);
      if (validate(schema, doc, specifiedRules).length === 0) found.push({ where, query });
    } catch {
      // not GraphQL, or deliberately malformed
    }
  };
  // The edge-limits tests send over-limit operations on purpose.
  for (const file of files.filter((f) => !path.basename(f).startsWith('edge-limits'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/`((?:query|mutation|subscription|\{)[^`$]*)`/g)) keep(path.relative(REPO_ROOT, file), m[1]!);
  }
  for (const m of readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8').matchAll(/```graphql\n([\s\S]*?)```/g)) keep('README.md', m[1]!.replace(/"…"/g, '"1"'));
  return found;
}

describe('the default limits', () => {
  it('admit every legitimate operation the tests, benches and README send', async () => {
    const documents = legitimateDocuments();
    expect(documents.length).toBeGreaterThan(20);
    const run = server();
    const refused: string[] = [];
    for (const { where, query } of documents) {
      const { codes } = await run(query);
      const limitCodes = codes.filter((c) => typeof c === 'string' && /LIMIT_EXCEEDED|INTROSPECTION/.test(c));
      if (limitCodes.length) refused.push(`${where}: ${limitCodes.join(',')}: ${query.slice(0, 120)}`);
    }
    expect(refused).toEqual([]);
  });
});
