import type { Identity } from '../../../lib/auth/identity.js';
import type { ScanEventBus } from './events/scan-event.bus.js';
import type { OwnershipConfig } from './ownership/ownership.env.js';
import { OwnershipService } from './ownership/ownership.service.js';
import type { ReportLinks } from './scan/scan-report-url.resolver.js';
import { ScanService, type ScanDeps } from './scan/scan.service.js';
import { ScheduleService } from './schedule/schedule.service.js';

/** Per-request context of the scans subgraph. */
export class ScansContext {
  readonly scans: ScanService;
  readonly ownership: OwnershipService;
  readonly schedules: ScheduleService;
  readonly ownershipConfig: OwnershipConfig;

  constructor(
    readonly identity: Identity,
    deps: ScanDeps,
    readonly bus: ScanEventBus,
    /** Signs Scan.reportUrl links (absent where no process serves them, e.g. a unit test's context). */
    readonly reportLinks?: ReportLinks,
  ) {
    this.scans = new ScanService(identity, deps);
    this.ownership = new OwnershipService(identity, deps);
    this.schedules = new ScheduleService(identity, deps);
    this.ownershipConfig = deps.ownership;
  }
}
