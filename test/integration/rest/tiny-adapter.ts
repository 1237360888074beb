import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { RunningServer } from '../../../lib/http/subgraph-server.js';
import { restEnv } from '../../../rest-adapter/src/env.js';
import { buildOpenApiDocument } from '../../../rest-adapter/src/openapi/openapi-builder.js';
import { openApiYaml } from '../../../rest-adapter/src/openapi/openapi-artifact.js';
import { startRestAdapter } from '../../../rest-adapter/src/server.js';
import { createTestDatabase } from '../../support/database.js';
import { restClient, SpecChecker, type RestClient } from '../../support/rest.js';
import { startFakeGateway } from './fake-gateway.js';
import { TINY_OPERATIONS, TINY_ROUTES } from './tiny-routes.js';

/** The address every test server of the REST adapter's own tests listens on. */
export const HOST = '127.0.0.64';

export interface TinyAdapter {
  adapter: RunningServer;
  gateway: Awaited<ReturnType<typeof startFakeGateway>>;
  rest: RestClient;
  databaseUrl: string;
  secret: string;
  specYaml: string;
  /** Where the tiny table's GraphQL documents are. */
  operationsDir: string;
  stop(): Promise<void>;
}

/** The adapter with the tiny route table, in front of a fake gateway, on a test database of its own. */
export async function startTinyAdapter(label: string, env: Record<string, string> = {}): Promise<TinyAdapter> {
  const db = await createTestDatabase(label);
  const gateway = await startFakeGateway(HOST);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-rest-ops-'));
  for (const [name, text] of Object.entries(TINY_OPERATIONS)) await writeFile(path.join(dir, `${name}.graphql`), text);
  const secret = randomBytes(32).toString('base64url');
  const specYaml = openApiYaml(TINY_ROUTES);
  const adapter = await startRestAdapter(
    restEnv.parse({ GATEWAY_URL: gateway.url, INTERNAL_TOKEN_SECRET: secret, DATABASE_URL: db.url, REST_PORT: '0', HOST, LOG_LEVEL: 'silent', RATE_LIMIT_ENABLED: 'false', ...env }),
    { routes: TINY_ROUTES, operationsDir: dir, specYaml },
  );
  return {
    adapter,
    gateway,
    rest: restClient(adapter.url, new SpecChecker(buildOpenApiDocument(TINY_ROUTES))),
    databaseUrl: db.url,
    secret,
    specYaml,
    operationsDir: dir,
    stop: async () => {
      await adapter.close();
      await gateway.close();
      await rm(dir, { recursive: true, force: true });
      await db.drop();
    },
  };
}
