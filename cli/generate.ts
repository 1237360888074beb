import 'reflect-metadata';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SCHEMA_DIR } from '../lib/paths.js';
import { buildSchemaArtifacts } from './schema-artifacts.js';

/** `npm run generate`: subgraph SDLs and the composed supergraph, written to schema/ to be committed. */
const files = await buildSchemaArtifacts();
await mkdir(SCHEMA_DIR, { recursive: true });
for (const [name, text] of Object.entries(files)) {
  await writeFile(path.join(SCHEMA_DIR, name), text);
  process.stdout.write(`wrote schema/${name}\n`);
}
