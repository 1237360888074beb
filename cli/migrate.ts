import 'reflect-metadata';
import { migrateModule, openModuleOrm } from '../lib/db/orm.js';
import { billingDb } from '../subgraphs/billing/src/module.js';
import { clientsDb } from '../subgraphs/clients/src/module.js';
import { findingsDb } from '../subgraphs/findings/src/module.js';
import { scansDb } from '../subgraphs/scans/src/module.js';

/** `npm run migrate`: applies every module's pending migrations to DATABASE_URL. */
const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write('DATABASE_URL is required\n');
  process.exit(2);
}
for (const spec of [clientsDb, billingDb, scansDb, findingsDb]) {
  const orm = await openModuleOrm(spec, { url, poolMax: 2 });
  try {
    const applied = await migrateModule(orm, url);
    process.stdout.write(`${spec.schema}: ${applied.length ? applied.join(', ') : 'up to date'}\n`);
  } finally {
    await orm.close();
  }
}
