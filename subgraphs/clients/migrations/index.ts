import { Migration20261124211302 } from './Migration20261124211302.js';
import { Migration20261124200415 } from './Migration20261124200415.js';
import { Migration20261122075637 } from './Migration20261122075637.js';
import type { MigrationObject } from '@mikro-orm/core';

/** Applied in order; add new migrations at the end (npm run migration:create -- clients). */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261122075637', class: Migration20261122075637 },
  { name: 'Migration20261124200415', class: Migration20261124200415 },
  { name: 'Migration20261124211302', class: Migration20261124211302 },
];
