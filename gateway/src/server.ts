import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createGatewayRuntime, getGraphQLWSOptions } from '@graphql-hive/gateway-runtime';
import { GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import pg from 'pg';
import { WebSocketServer } from 'ws';
import { FORWARDED_FOR_HEADER, ForwardedForVerifier, trustForwardedFor } from '../../lib/auth/forwarded-for.js';
import { IDENTITY_HEADER, type Identity } from '../../lib/auth/identity.js';
import { REPORT_GRANT_HEADER, ReportGrantSigner } from '../../lib/auth/report-url.js';
import { reportGrantPlugin } from './report-grant.plugin.js';
import { parseEnv } from '../../lib/config/env.js';
import { EdgeRateLimiter, rateLimitedError } from '../../lib/http/rate-limit.js';
import { openModule } from '../../lib/http/subgraph-boot.js';
import type { RunningServer } from '../../lib/http/subgraph-server.js';
import { createLogger } from '../../lib/logger.js';
import { SCHEMA_DIR } from '../../lib/paths.js';
import { clientsDb, CredentialService } from '../../subgraphs/clients/src/module.js';
import { Authenticator } from './authenticator.js';
import { EdgeGuard } from './edge-guard.js';
import { gatewayEnv, type GatewayEnv } from './env.js';
import { hardeningPlugin } from './hardening.plugin.js';
import { inputErrorsPlugin } from './input-errors.plugin.js';
import { scopesPlugin } from './scopes.plugin.js';

/** Carries a WebSocket operation's caller inside the gateway process only. */
const CALLER_HEADER = 'x-fixfirst-ws-caller';

const UNAUTHENTICATED = JSON.stringify({
  errors: [{ message: 'A valid API key is required (x-api-key or Authorization: Bearer)', extensions: { code: 'UNAUTHENTICATED' } }],
});

/**
 * The gateway: Hive Gateway runtime over the committed supergraph, GraphQL over HTTP and over
 * WebSocket on /graphql. It authenticates every request once and forwards a signed identity.
 */
export async function startGateway(env: GatewayEnv = parseEnv(gatewayEnv)): Promise<RunningServer & { bootstrapKey: string | null }> {
  const log = createLogger('gateway', env.LOG_LEVEL);
  const clientsOrm = await openModule(clientsDb, env.DATABASE_URL, { migrate: env.MIGRATE_ON_BOOT, poolMax: env.DB_POOL_MAX, log });
  const boot = await new CredentialService(clientsOrm.em.fork(), env.API_KEY_PREFIX).bootstrap({
    accountName: env.BOOTSTRAP_ACCOUNT_NAME,
    bootstrapKey: env.BOOTSTRAP_API_KEY,
  });
  if (boot.generatedKey) {
    process.stdout.write(`\nOperator API key (shown once, store it now): ${boot.generatedKey}\n\n`);
  }
  const auth = new Authenticator(clientsOrm, env.INTERNAL_TOKEN_SECRET, {
    keyPrefix: env.API_KEY_PREFIX,
    clientTokenSecret: env.CLIENT_TOKEN_SECRET,
    trustedProxyHops: env.TRUST_PROXY,
    identityTtlSeconds: env.IDENTITY_TTL_SECONDS,
  });
  // Rate-limit counters: their own small pool, so a flood of limiter writes never waits behind
  // (or starves) the credential lookups.
  const limiterPool = new pg.Pool({ connectionString: env.DATABASE_URL, max: env.DB_POOL_MAX });
  limiterPool.on('error', (err) => log.warn({ err: err.message }, 'rate limiter pool connection lost'));
  const limiter = env.RATE_LIMIT_ENABLED
    ? await EdgeRateLimiter.open({ pool: limiterPool }, { burstPerSecond: env.RATE_LIMIT_BURST_PER_SECOND, perMinute: env.RATE_LIMIT_PER_MINUTE }, log)
    : null;
  const guard = new EdgeGuard({ limiter, maxBodyBytes: env.GRAPHQL_MAX_BODY_BYTES, maxBatch: env.GRAPHQL_MAX_BATCH, trustProxy: env.TRUST_PROXY });

  const supergraph = readFileSync(env.SUPERGRAPH_PATH ?? path.join(SCHEMA_DIR, 'supergraph.graphql'), 'utf8');
  const gateway = createGatewayRuntime({
    supergraph,
    transportEntries: {
      '*.http': {
        options: {
          subscriptions: {
            kind: 'ws',
            location: '/graphql',
            options: { connectionParams: { [IDENTITY_HEADER]: '{context.fixfirstIdentity}' } },
          },
        },
      },
      scans: { location: env.SCANS_URL },
      findings: { location: env.FINDINGS_URL },
      clients: { location: env.CLIENTS_URL },
      billing: { location: env.BILLING_URL },
    },
    propagateHeaders: {
      // A fresh short-lived token per upstream call: a subscription may outlive any one token,
      // and its events still fetch entity fields (findingsSummary, client) over HTTP.
      fromClientToSubgraphs: async ({ context, request }) => {
        const identity = callerOf(context, request);
        return identity ? { [IDENTITY_HEADER]: await auth.sign(identity) } : {};
      },
    },
    graphiql: env.GRAPHIQL ? { title: 'fixfirst', headers: JSON.stringify({ 'x-api-key': '<your API key>' }) } : false,
    landingPage: false,
    logging: env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace' ? 'debug' : 'warn',
    batching: { limit: env.GRAPHQL_MAX_BATCH },
    plugins: () => [
      inputErrorsPlugin(),
      hardeningPlugin({
        maxDepth: env.GRAPHQL_MAX_DEPTH,
        maxCost: env.GRAPHQL_MAX_COST,
        maxAliases: env.GRAPHQL_MAX_ALIASES,
        maxTokens: env.GRAPHQL_MAX_TOKENS,
        introspection: env.GRAPHQL_INTROSPECTION,
      }),
      scopesPlugin((context) => callerOf(context, context.request as Request), log),
      reportGrantPlugin((context) => {
        const req = context.req as IncomingMessage | undefined;
        return req ? grantedScans.get(req) : undefined;
      }),
    ],
    healthCheckEndpoint: '/healthz',
    readinessCheckEndpoint: '/readyz',
  });

  // The authenticated caller of each HTTP request. WebSocket operations have no node request: their
  // caller rides on the in-process Request built for them (CALLER_HEADER never comes from outside:
  // HTTP callers are looked up by request, and the header is stripped from every inbound request).
  const callers = new WeakMap<IncomingMessage, Identity>();
  // The scan of each HTTP request authenticated by a report grant (report-grant.plugin.ts).
  const grantedScans = new WeakMap<IncomingMessage, string>();
  const callerOf = (context: Record<string, unknown>, request: Request): Identity | undefined => {
    const req = context.req as IncomingMessage | undefined;
    if (req) return callers.get(req);
    const carried = request.headers.get(CALLER_HEADER);
    return carried ? (JSON.parse(Buffer.from(carried, 'base64url').toString('utf8')) as Identity) : undefined;
  };

  const forwardedFor = new ForwardedForVerifier(env.INTERNAL_TOKEN_SECRET);
  const reportGrants = new ReportGrantSigner(env.INTERNAL_TOKEN_SECRET);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    delete req.headers[IDENTITY_HEADER];
    delete req.headers[CALLER_HEADER];
    // The REST adapter's signed caller address: preferred over the socket (the adapter's own).
    const adapterClient = forwardedFor.verify(headerOf(req, FORWARDED_FOR_HEADER));
    delete req.headers[FORWARDED_FOR_HEADER];
    if (adapterClient) trustForwardedFor(req, adapterClient);
    // A signed report link the adapter verified (lib/auth/report-url.ts): HTTP only, never WebSocket.
    const reportGrant = reportGrants.verify(headerOf(req, REPORT_GRANT_HEADER));
    delete req.headers[REPORT_GRANT_HEADER];
    const url = new URL(req.url ?? '/', 'http://gateway');
    // Only the GraphiQL page itself is public; every operation needs a credential.
    const isGraphiqlPage =
      env.GRAPHIQL && req.method === 'GET' && !url.searchParams.has('query') && (req.headers.accept ?? '').includes('text/html');
    if (url.pathname.startsWith('/graphql') && !isGraphiqlPage) {
      let identity: Identity | null;
      try {
        identity = reportGrant ? await auth.authenticateGrant(reportGrant.cred, req) : await auth.authenticate((n) => headerOf(req, n), req);
      } catch (err) {
        log.error({ err: (err as Error).message }, 'authentication failed');
        res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: 'Service unavailable', extensions: { code: 'SERVICE_UNAVAILABLE' } }] }));
        return;
      }
      // Counted before the 401 too (per client address), so guessing credentials is limited as well.
      // A REST request was counted once by the adapter (its signed address proves the call is the
      // adapter's); the several operations a route may run for it are not counted again here.
      if (!(await guard.admitHttp(req, res, identity, { counted: adapterClient !== null && identity !== null }))) return;
      if (!identity) {
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }).end(UNAUTHENTICATED);
        return;
      }
      callers.set(req, identity);
      if (reportGrant) grantedScans.set(req, reportGrant.scanId);
    }
    await gateway(req, res);
  };
  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      log.error({ err: (err as Error).message }, 'gateway request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end('{"errors":[{"message":"Internal server error"}]}');
    });
  });

  const wss = new WebSocketServer({ server, path: gateway.graphqlEndpoint, maxPayload: env.GRAPHQL_MAX_BODY_BYTES });
  const socketCallers = new WeakMap<object, Identity>();
  const wsOptions = getGraphQLWSOptions(gateway, async (ctx) => {
    const identity = socketCallers.get(ctx.extra as object);
    const headers: Record<string, string> = identity ? { [CALLER_HEADER]: Buffer.from(JSON.stringify(identity)).toString('base64url') } : {};
    // The subgraph WebSocket is opened (and its identity checked) once per subscription.
    return { fixfirstIdentity: identity ? await auth.sign(identity) : '', request: new Request('http://gateway/graphql', { headers }) };
  });
  const wsServer = useServer(
    {
      ...wsOptions,
      onConnect: async (ctx) => {
        const params = (ctx.connectionParams ?? {}) as Record<string, unknown>;
        const upgrade = (ctx.extra as { request: IncomingMessage }).request;
        const get = (name: string): string | null => {
          const fromParams = params[name] ?? params[name.toLowerCase()] ?? (name === 'x-api-key' ? params.apiKey : undefined);
          return typeof fromParams === 'string' ? fromParams : headerOf(upgrade, name);
        };
        const identity = await auth.authenticate(get, upgrade).catch(() => null);
        // A connection counts as a request (it costs a credential lookup), with or without a valid credential.
        const decision = await guard.consume(guard.keyOf(identity, upgrade));
        if (decision && !decision.allowed) {
          (ctx.extra as { socket: { close(code: number, reason: string): void } }).socket.close(4429, `Too many requests: retry after ${decision.retryAfterSeconds} s`);
          return false;
        }
        if (!identity) return false;
        socketCallers.set(ctx.extra as object, identity);
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        // Every operation on a socket counts like an HTTP request of the same credential.
        const identity = socketCallers.get(ctx.extra as object);
        const upgrade = (ctx.extra as { request: IncomingMessage }).request;
        const decision = identity ? await guard.consume(guard.keyOf(identity, upgrade)) : null;
        if (decision && !decision.allowed) {
          const refused = rateLimitedError(decision);
          return [new GraphQLError(refused.message, { extensions: refused.extensions })];
        }
        return wsOptions.onSubscribe!(ctx, id, payload);
      },
    },
    wss,
  );

  // Hive loads the supergraph on the first HTTP request; a WebSocket operation arriving first found
  // no schema ("Expected null to be a GraphQL schema"). Load it before accepting anything, which
  // also makes a broken supergraph fail the start instead of the first request.
  await gateway.getSchema();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.GATEWAY_PORT, env.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ port }, 'gateway listening');
  return {
    port,
    url: `http://${env.HOST}:${port}/graphql`,
    bootstrapKey: boot.generatedKey,
    close: async () => {
      await wsServer.dispose();
      await new Promise<void>((r) => server.close(() => r()));
      await gateway.dispose();
      await clientsOrm.close();
      await limiterPool.end();
    },
  };
}

function headerOf(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}
