import { Migration20261124220908 } from './Migration20261124220908.js';
import { Migration20261124194608 } from './Migration20261124194608.js';
import { Migration20261124185832 } from './Migration20261124185832.js';
import { Migration20261124184918 } from './Migration20261124184918.js';
import { Migration20261124184521 } from './Migration20261124184521.js';
import { Migration20261124181558 } from './Migration20261124181558.js';
import { Migration20261124172018 } from './Migration20261124172018.js';
import { Migration20261122075640 } from './Migration20261122075640.js';
import type { MigrationObject } from '@mikro-orm/core';

/** Applied in order; add new migrations at the end (npm run migration:create -- findings). */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261122075640', class: Migration20261122075640 },
  { name: 'Migration20261124172018', class: Migration20261124172018 },
  { name: 'Migration20261124181558', class: Migration20261124181558 },
  { name: 'Migration20261124184521', class: Migration20261124184521 },
  { name: 'Migration20261124184918', class: Migration20261124184918 },
  { name: 'Migration20261124185832', class: Migration20261124185832 },
  { name: 'Migration20261124194608', class: Migration20261124194608 },
  { name: 'Migration20261124220908', class: Migration20261124220908 },
];
