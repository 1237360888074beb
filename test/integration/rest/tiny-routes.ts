import { z } from 'zod';
import { route, type RouteDef } from '../../../rest-adapter/src/route.js';

/** The GraphQL documents the tiny table runs (the fake gateway answers them by name). */
export const TINY_OPERATIONS: Record<string, string> = {
  GetThing: 'query GetThing($id: ID!) { thing(id: $id) { id name } }',
  CreateThing: 'mutation CreateThing($name: String!) { createThing(name: $name) { id } }',
  ListThings: 'query ListThings($first: Int) { things(first: $first) { id } }',
  IssueToken: 'mutation IssueToken { issueToken { token } }',
};

const thing = z.object({ id: z.string(), name: z.string() });

/** A small route table exercising each part of the framework: auth forms, params, query, body, HTML, failures. */
export const TINY_ROUTES: RouteDef[] = [
  route({
    operationId: 'getThing',
    dialect: 'fixfirst',
    method: 'get',
    path: '/things/{thing_id}',
    summary: 'A thing',
    description: 'Reads one thing.',
    tags: ['Things'],
    auth: 'fixfirst',
    params: z.object({ thing_id: z.uuid() }),
    success: { status: 200, description: 'The thing.', schema: thing },
    errors: ['not_found'],
    operations: ['GetThing'],
    handle: async ({ params }, ctx) => {
      const data = await ctx.graphql<{ thing: { id: string; name: string } | null }>('GetThing', { id: params.thing_id });
      if (!data.thing) throw new (await import('../../../rest-adapter/src/errors.js')).RestError('not_found');
      return data.thing;
    },
  }),
  route({
    operationId: 'renameThing',
    dialect: 'fixfirst',
    method: 'patch',
    path: '/things/{thing_id}',
    summary: 'Rename a thing',
    description: 'A route listing invalid_input: a bad id is named as an issue.',
    tags: ['Things'],
    auth: 'fixfirst',
    params: z.object({ thing_id: z.uuid() }),
    body: z.strictObject({ name: z.string().min(1) }),
    success: { status: 200, description: 'Renamed.', schema: thing },
    errors: ['invalid_input', 'not_found'],
    operations: ['GetThing'],
    handle: async ({ params, body }) => ({ id: params.thing_id, name: body.name }),
  }),
  route({
    operationId: 'createThing',
    dialect: 'fixfirst',
    method: 'post',
    path: '/things',
    summary: 'Create a thing',
    description: 'Creates one thing.',
    tags: ['Things'],
    auth: 'fixfirst',
    body: z.strictObject({ name: z.string().min(1).max(50), size: z.enum(['small', 'large']).default('small'), count: z.number().int().min(0).optional() }),
    requestExample: { name: 'Widget', size: 'large' },
    success: { status: 201, description: 'Created.', schema: z.object({ id: z.string(), size: z.enum(['small', 'large']) }) },
    errors: ['invalid_input', 'quota_exceeded'],
    operations: ['CreateThing'],
    handle: async ({ body }, ctx) => {
      const data = await ctx.graphql<{ createThing: { id: string } }>('CreateThing', { name: body.name });
      return { id: data.createThing.id, size: body.size };
    },
  }),
  route({
    operationId: 'issueToken',
    dialect: 'fixfirst',
    method: 'post',
    path: '/tokens',
    summary: 'Issue a token',
    description: 'An answer carrying a credential shown once.',
    tags: ['Things'],
    auth: 'fixfirst',
    body: z.object({ name: z.string() }),
    success: { status: 200, description: 'The token.', schema: z.object({ token: z.string() }) },
    errors: ['invalid_input'],
    operations: ['IssueToken'],
    handle: async (_input, ctx) => (await ctx.graphql<{ issueToken: { token: string } }>('IssueToken')).issueToken,
  }),
  route({
    operationId: 'listThings',
    dialect: 'v1',
    method: 'get',
    path: '/api/v1/things',
    summary: 'List things',
    description: 'v1 auth and a query.',
    tags: ['Things'],
    auth: 'v1',
    query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50), kind: z.enum(['a', 'b']).optional() }),
    success: { status: 200, description: 'Things.', schema: z.object({ things: z.array(z.object({ id: z.string() })), limit: z.number().int() }) },
    errors: ['invalid_input'],
    operations: ['ListThings'],
    handle: async ({ query }, ctx) => ({ things: (await ctx.graphql<{ things: { id: string }[] }>('ListThings', { first: query.limit })).things, limit: query.limit }),
  }),
  route({
    operationId: 'thingReport',
    dialect: 'fixfirst',
    method: 'get',
    path: '/things/{thing_id}/report',
    summary: 'A report',
    description: 'HTML, and the key may come as ?api_key=.',
    tags: ['Things'],
    auth: 'report',
    params: z.object({ thing_id: z.uuid() }),
    query: z.strictObject({ format: z.enum(['html']).optional() }),
    success: { status: 200, description: 'The report.', schema: z.string(), contentType: 'text/html' },
    errors: ['not_found'],
    operations: ['GetThing'],
    handle: async ({ params }, ctx) => {
      const data = await ctx.graphql<{ thing: { name: string } }>('GetThing', { id: params.thing_id });
      return `<html><body><h1>${data.thing.name}</h1></body></html>`;
    },
  }),
  route({
    operationId: 'boom',
    dialect: 'fixfirst',
    method: 'get',
    path: '/boom',
    summary: 'Fails',
    description: 'A handler bug.',
    tags: ['Things'],
    auth: 'fixfirst',
    success: { status: 200, description: 'Never.', schema: z.object({}) },
    errors: [],
    operations: [],
    handle: async () => {
      throw new Error('database password is hunter2 at /srv/app.ts:12');
    },
  }),
];
