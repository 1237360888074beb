import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openModuleOrm, type ModuleDbSpec } from '../lib/db/orm.js';
import { REPO_ROOT } from '../lib/paths.js';
import { billingDb } from '../subgraphs/billing/src/module.js';
import { clientsDb } from '../subgraphs/clients/src/module.js';
import { findingsDb } from '../subgraphs/findings/src/module.js';
import { scansDb } from '../subgraphs/scans/src/module.js';

/**
 * `npm run migration:create -- <subgraph>` against DATABASE_URL (a database migrated to the
 * current head): writes the diff between the entities and the database as a new TypeScript
 * migration under subgraphs/<name>/migrations/ and appends it to that folder's index.ts.
 */
const SPECS: Record<string, ModuleDbSpec> = { scans: scansDb, findings: findingsDb, clients: clientsDb, billing: billingDb };
const name = process.argv[2] ?? '';
const spec = SPECS[name];
const url = process.env.DATABASE_URL;
if (!spec || !url) {
  process.stderr.write('usage: DATABASE_URL=postgres://... npm run migration:create -- <scans|findings|clients|billing>\n');
  process.exit(2);
}
const dir = path.join(REPO_ROOT, 'subgraphs', name, 'migrations');
const orm = await openModuleOrm(spec, { url, poolMax: 2 });
try {
  const result = await orm.migrator.create(dir, false, spec.migrations.length === 0);
  if (!result.fileName) {
    process.stdout.write('no changes: the entities match the database\n');
  } else {
    const className = result.fileName.replace(/\.ts$/, '');
    const indexPath = path.join(dir, 'index.ts');
    let index = await readFile(indexPath, 'utf8');
    index = `import { ${className} } from './${className}.js';\n` + index;
    index = index.replace(/= \[(.*)\];/s, (_m, body: string) => {
      const items = body.trim() ? body.trim().replace(/,$/, '') + `,\n  { name: '${className}', class: ${className} },` : `\n  { name: '${className}', class: ${className} },`;
      return `= [${items.startsWith('\n') ? items : '\n  ' + items}\n];`;
    });
    await writeFile(indexPath, index);
    process.stdout.write(`wrote subgraphs/${name}/migrations/${result.fileName}\n`);
  }
} finally {
  await orm.close();
}
