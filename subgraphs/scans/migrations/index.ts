import { Migration20261122082014 } from './Migration20261122082014.js';
import type { MigrationObject } from '@mikro-orm/core';

/** Applied in order; add new migrations at the end (npm run migration:create -- scans). */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261122082014', class: Migration20261122082014 },
];
