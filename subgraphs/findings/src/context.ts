import type { EntityManager } from '@mikro-orm/postgresql';
import type { Identity } from '../../../lib/auth/identity.js';
import { tenantOf, type Tenant } from '../../../lib/auth/tenant.js';
import type { NotifyBus } from '../../../lib/db/notify-bus.js';
import type { ClientService } from '../../clients/src/module.js';
import type { SlaDays } from './finding/finding-metrics.repository.js';
import { FindingStateLoader } from './finding/finding-lifecycle.resolver.js';
import { FindingStateRepository } from './finding/finding-state.repository.js';
import { FindingService } from './finding/finding.service.js';
import { EnrichmentService } from './intel/enrichment.service.js';
import { AlertService, type AlertDeps } from './alert/alert.service.js';

/** What the findings subgraph's contexts share for the life of the process. */
export interface FindingsServices {
  /** Wakes `findingChanged` subscribers (channel FINDING_CHANGES_CHANNEL, keyed by account). */
  changes: NotifyBus;
  /** The deployment's remediation deadlines per priority (FINDING_SLA_DAYS). */
  slaDays: Readonly<SlaDays>;
  /** The clients module, to tell a foreign client id from one of the caller's. */
  clients(tenant: Tenant): ClientService;
  /** Alert settings and the queue testAlert / redeliverAlert send to. */
  alerts: AlertDeps;
}

/** Per-request context of the findings subgraph (per subscription, for subscriptions). */
export class FindingsContext {
  readonly tenant: Tenant;
  em!: EntityManager;
  findings!: FindingService;
  enrichment!: EnrichmentService;
  states!: FindingStateLoader;

  constructor(
    readonly identity: Identity,
    /** This request's own EntityManager (intel data is shared, not tenant data). */
    private readonly rootEm: EntityManager,
    readonly services: FindingsServices,
  ) {
    this.tenant = tenantOf(identity);
    this.renew();
  }

  /** Alert channels and deliveries of the caller (built on first use: most requests need none). */
  alerts(): AlertService {
    return new AlertService(this.em, this.identity, this.services.alerts, this.services.clients(this.tenant));
  }

  /**
   * Starts over with an empty identity map: a subscription keeps one context for its whole life,
   * and each event it delivers must show the finding as it is now, not as first loaded.
   */
  renew(): void {
    this.em = this.rootEm.fork();
    this.findings = new FindingService(this.em, this.tenant);
    this.enrichment = new EnrichmentService(this.em);
    this.states = new FindingStateLoader(new FindingStateRepository(this.em));
  }
}
