import type { EntityManager } from '@mikro-orm/postgresql';
import type { Identity } from '../../../lib/auth/identity.js';
import { tenantOf } from '../../../lib/auth/tenant.js';
import { FindingStateLoader } from './finding/finding-lifecycle.resolver.js';
import { FindingStateRepository } from './finding/finding-state.repository.js';
import { FindingService } from './finding/finding.service.js';
import { EnrichmentService } from './intel/enrichment.service.js';

/** Per-request context of the findings subgraph. */
export class FindingsContext {
  readonly findings: FindingService;
  readonly enrichment: EnrichmentService;
  readonly states: FindingStateLoader;

  constructor(
    readonly identity: Identity,
    /** This request's own EntityManager (intel data is shared, not tenant data). */
    readonly em: EntityManager,
  ) {
    this.findings = new FindingService(em, tenantOf(identity));
    this.enrichment = new EnrichmentService(em);
    this.states = new FindingStateLoader(new FindingStateRepository(em));
  }
}
