import 'reflect-metadata';
import { z } from 'zod';
import { logLevel, parseEnv, port } from '../lib/config/env.js';
import { createLogger } from '../lib/logger.js';
import { Stack } from './stack.js';

const env = parseEnv(
  z.object({
    DATABASE_URL: z.string().url().optional(),
    DATA_DIR: z.string().default('./.data'),
    EMBEDDED_PG_PORT: port(54329),
    GATEWAY_PORT: port(4000),
    REST_PORT: port(8080),
    SCANS_PORT: port(4001),
    FINDINGS_PORT: port(4002),
    CLIENTS_PORT: port(4003),
    BILLING_PORT: port(4004),
    WORKERS: z.coerce.number().int().min(0).max(32).default(1),
    LOG_LEVEL: logLevel,
  }),
);

/** `npm start`: embedded PostgreSQL (unless DATABASE_URL), four subgraphs, the gateway, the REST adapter, workers. */
const log = createLogger('fixfirst', env.LOG_LEVEL);

// One orderly shutdown path, installed before anything starts (a handler swapped in later can
// drop a signal already on its way): services first, then PostgreSQL.
let stack: Stack | null = null;
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  if (!stack) return; // still starting: stopped as soon as the start completes
  process.stdout.write('\nStopping fixfirst…\n');
  await stack.stop();
  process.stdout.write('Stopped. Data kept.\n');
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

const startedAt = performance.now();
stack = await Stack.start({
  databaseUrl: env.DATABASE_URL,
  dataDir: env.DATA_DIR,
  embeddedPort: env.EMBEDDED_PG_PORT,
  gatewayPort: env.GATEWAY_PORT,
  restPort: env.REST_PORT,
  subgraphPorts: { scans: env.SCANS_PORT, findings: env.FINDINGS_PORT, clients: env.CLIENTS_PORT, billing: env.BILLING_PORT },
  workers: env.WORKERS,
  output: 'inherit',
  log,
}).catch((err: Error) => {
  process.stderr.write(`fixfirst failed to start: ${err.message}\n`);
  process.exit(1);
});

const lines = [
  '',
  `fixfirst is ready in ${Math.round(performance.now() - startedAt)} ms`,
  `  GraphQL (HTTP and WebSocket): ${stack.gatewayUrl}`,
  `  GraphiQL:                     ${stack.gatewayUrl} (open in a browser; send your key as x-api-key)`,
  `  REST (Fix First and v1 APIs): ${stack.restUrl} (interactive docs: ${stack.restUrl}/docs, spec: ${stack.restUrl}/docs/api/openapi)`,
  `  Subgraphs:                    scans :${env.SCANS_PORT}, findings :${env.FINDINGS_PORT}, clients :${env.CLIENTS_PORT}, billing :${env.BILLING_PORT}`,
  `  Database:                     ${env.DATABASE_URL ? 'DATABASE_URL' : `embedded PostgreSQL, data in ${env.DATA_DIR}`}`,
  stack.bootstrapKey ? '  Operator API key:             printed above (shown once)' : '  Operator API key:             created on the first start (printed then), or BOOTSTRAP_API_KEY',
  'Press Ctrl-C to stop.',
  '',
];
process.stdout.write(lines.join('\n') + '\n');
if (stopping) {
  stopping = false;
  await shutdown();
}

