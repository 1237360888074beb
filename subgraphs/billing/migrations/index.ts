import { Migration20261124220945 } from './Migration20261124220945.js';
import { Migration20261122075638 } from './Migration20261122075638.js';
import type { MigrationObject } from '@mikro-orm/core';

/** Applied in order; add new migrations at the end (npm run migration:create -- billing). */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261122075638', class: Migration20261122075638 },
  { name: 'Migration20261124220945', class: Migration20261124220945 },
];
