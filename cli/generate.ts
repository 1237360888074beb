import 'reflect-metadata';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, SCHEMA_DIR } from '../lib/paths.js';
import { OPENAPI_PATH, openApiYaml } from '../rest-adapter/src/openapi/openapi-artifact.js';
import { buildOpenApiDocument } from '../rest-adapter/src/openapi/openapi-builder.js';
import { ROUTES } from '../rest-adapter/src/routes-table.js';
import { buildSchemaArtifacts } from './schema-artifacts.js';

/**
 * `npm run generate`: subgraph SDLs and the composed supergraph (schema/), and the REST adapter's
 * OpenAPI document (rest-adapter/openapi.yaml) and the typed client the REST tests generate from
 * it (test/e2e/rest-api.generated.d.ts), all to be committed.
 */
const files = await buildSchemaArtifacts();
await mkdir(SCHEMA_DIR, { recursive: true });
for (const [name, text] of Object.entries(files)) {
  await writeFile(path.join(SCHEMA_DIR, name), text);
  process.stdout.write(`wrote schema/${name}\n`);
}
await writeFile(OPENAPI_PATH, openApiYaml());
process.stdout.write(`wrote ${path.relative(REPO_ROOT, OPENAPI_PATH)}\n`);

// The typed client the REST tests use, as openapi-typescript makes it of the same spec (a dev
// tool: imported only here, when generating).
const { default: openapiTS, astToString, COMMENT_HEADER } = await import('openapi-typescript');
const typesPath = path.join(REPO_ROOT, 'test', 'e2e', 'rest-api.generated.d.ts');
await writeFile(typesPath, COMMENT_HEADER + astToString(await openapiTS(JSON.parse(JSON.stringify(buildOpenApiDocument(ROUTES))))));
process.stdout.write(`wrote ${path.relative(REPO_ROOT, typesPath)}\n`);
