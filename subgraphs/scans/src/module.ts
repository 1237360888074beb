import type { ModuleDbSpec } from '../../../lib/db/orm.js';
import { migrations } from '../migrations/index.js';
import { ScanEntity, ScanEventEntity } from './scan/scan.entity.js';

/** The scans module's slice of the database. */
export const scansDb: ModuleDbSpec = {
  schema: 'scans',
  entities: [ScanEntity, ScanEventEntity],
  migrations,
};
