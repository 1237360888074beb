import type { ModuleDbSpec } from '../../../lib/db/orm.js';
import { migrations } from '../migrations/index.js';
import { ScanAuthorisationEntity } from './ownership/scan-authorisation.entity.js';
import { TargetAttestationEntity } from './ownership/target-attestation.entity.js';
import { TargetDomainEntity } from './ownership/target-domain.entity.js';
import { ScanEntity, ScanEventEntity } from './scan/scan.entity.js';
import { ScheduleEntity, ScheduleRunEntity, SchedulerInstanceEntity } from './schedule/schedule.entity.js';

/** The scans module's slice of the database. */
export const scansDb: ModuleDbSpec = {
  schema: 'scans',
  entities: [ScanEntity, ScanEventEntity, TargetDomainEntity, TargetAttestationEntity, ScanAuthorisationEntity, ScheduleEntity, ScheduleRunEntity, SchedulerInstanceEntity],
  migrations,
};
