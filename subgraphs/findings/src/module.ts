import type { ModuleDbSpec } from '../../../lib/db/orm.js';
import { migrations } from '../migrations/index.js';
import { FindingEntity } from './finding/finding.entity.js';
import { FindingChangeEntity } from './finding/finding-change.entity.js';
import { FindingHistoryEntity } from './finding/finding-history.entity.js';
import { FindingStateEntity } from './finding/finding-state.entity.js';
import { INTEL_ENTITIES } from './intel/intel.entity.js';
import { ALERT_ENTITIES } from './alert/alert.entity.js';

/** The findings module's slice of the database. */
export const findingsDb: ModuleDbSpec = {
  schema: 'findings',
  entities: [FindingEntity, FindingStateEntity, FindingHistoryEntity, FindingChangeEntity, ...INTEL_ENTITIES, ...ALERT_ENTITIES],
  migrations,
};

export { FindingLifecycle, type Coverage } from './finding/finding-lifecycle.service.js';
export { fingerprintOf, FindingWriter, type NewFinding, type ScanOwner } from './finding/finding-writer.service.js';
export type { Severity } from './finding/finding.entity.js';
export { startAlertWorker, type AlertWorker } from './alert/alert-worker.js';
export { alertEnv } from './alert/alert.env.js';
export type { ScanOutcome } from './alert/alert-queue.js';
