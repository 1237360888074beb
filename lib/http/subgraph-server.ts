import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { IDENTITY_HEADER, type Identity, type IdentitySigner } from '../auth/identity.js';
import { UnauthenticatedError } from '../errors.js';
import type { Logger } from '../logger.js';

/** A running service: its bound port and a clean shutdown. */
export interface RunningServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

const KNOWN_CODES = new Set([
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'BAD_USER_INPUT',
  'CONFLICT',
  'QUOTA_EXCEEDED',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Hides anything that is not a deliberate domain error: no internals, no stack traces. */
export function maskError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && KNOWN_CODES.has(code)) {
      const { stacktrace: _s, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    log.error({ err: error }, 'unexpected resolver error');
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/**
 * Serves a federated subgraph: GraphQL over HTTP (Apollo Server 5 on Express 5) and, on the same
 * port and path, GraphQL over WebSocket (graphql-ws) for subscriptions. Every operation needs the
 * identity the gateway signed; without one the answer is an error and no data.
 */
export async function serveSubgraph<TContext extends object>(opts: {
  name: string;
  schema: GraphQLSchema;
  host: string;
  port: number;
  signer: IdentitySigner;
  log: Logger;
  context(identity: Identity): Promise<TContext> | TContext;
  /** Dependencies reachable? (database...) for /readyz */
  ready(): Promise<boolean>;
  /** Plain HTTP routes beside /graphql (billing's Stripe webhook), mounted before it with their own body parsers. */
  routes?: (app: express.Express) => void;
}): Promise<RunningServer> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer(
    {
      schema: opts.schema,
      onConnect: async (ctx) => {
        try {
          await opts.signer.verify(String(ctx.connectionParams?.[IDENTITY_HEADER] ?? ''));
          return true;
        } catch {
          return false;
        }
      },
      context: async (ctx) => opts.context(await opts.signer.verify(String(ctx.connectionParams?.[IDENTITY_HEADER] ?? ''))),
      onError: (_ctx, _id, _payload, errors) => {
        opts.log.warn({ errors: errors.map((e) => e.message) }, 'subscription error');
      },
    },
    wss,
  );

  const drainWs: ApolloServerPlugin = {
    async serverWillStart() {
      return {
        async drainServer() {
          await wsCleanup.dispose();
        },
      };
    },
  };
  const apollo = new ApolloServer<TContext>({
    schema: opts.schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    formatError: maskError(opts.log),
    // The process owns shutdown (cli/start-service.ts); Apollo's own signal handlers raced it and
    // left close() waiting until the forced exit.
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginInlineTraceDisabled(), drainWs],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: opts.name });
  });
  app.get('/readyz', async (_req, res) => {
    const ok = await opts.ready().catch(() => false);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'unavailable', service: opts.name });
  });
  opts.routes?.(app);
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        try {
          return await opts.context(await opts.signer.verify(req.header(IDENTITY_HEADER)));
        } catch (err) {
          if (err instanceof GraphQLError) throw err;
          throw new UnauthenticatedError('Invalid gateway identity');
        }
      },
    }),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(opts.port, opts.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  opts.log.info({ port }, `${opts.name} subgraph listening`);
  return {
    port,
    url: `http://${opts.host}:${port}/graphql`,
    close: async () => {
      await apollo.stop();
    },
  };
}
