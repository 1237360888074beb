import { Migration20261124220704 } from './Migration20261124220704.js';
import { Migration20261124200348 } from './Migration20261124200348.js';
import { Migration20261124172005 } from './Migration20261124172005.js';
import { Migration20261122082014 } from './Migration20261122082014.js';
import type { MigrationObject } from '@mikro-orm/core';

/** Applied in order; add new migrations at the end (npm run migration:create -- scans). */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261122082014', class: Migration20261122082014 },
  { name: 'Migration20261124172005', class: Migration20261124172005 },
  { name: 'Migration20261124200348', class: Migration20261124200348 },
  { name: 'Migration20261124220704', class: Migration20261124220704 },
];
