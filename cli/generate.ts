import 'reflect-metadata';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, SCHEMA_DIR } from '../lib/paths.js';
import { OPENAPI_PATH, openApiYaml } from '../rest-adapter/src/openapi/openapi-artifact.js';
import { buildSchemaArtifacts } from './schema-artifacts.js';

/**
 * `npm run generate`: subgraph SDLs and the composed supergraph (schema/), and the REST adapter's
 * OpenAPI document (rest-adapter/openapi.yaml), all to be committed.
 */
const files = await buildSchemaArtifacts();
await mkdir(SCHEMA_DIR, { recursive: true });
for (const [name, text] of Object.entries(files)) {
  await writeFile(path.join(SCHEMA_DIR, name), text);
  process.stdout.write(`wrote schema/${name}\n`);
}
await writeFile(OPENAPI_PATH, openApiYaml());
process.stdout.write(`wrote ${path.relative(REPO_ROOT, OPENAPI_PATH)}\n`);
