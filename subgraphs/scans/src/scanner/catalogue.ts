import type { CheckDefinition, Probe } from './check.js';
import { PROBES } from './probes/index.js';

/**
 * The check catalogue: every check the scanner can report, by stable id. Built from the probes,
 * so a check cannot be reported without being listed, nor listed without a probe that runs it.
 */
export class CheckCatalogue {
  private readonly byId = new Map<string, CheckDefinition>();
  private readonly probeOf = new Map<string, Probe>();

  constructor(readonly probes: readonly Probe[]) {
    for (const probe of probes) {
      for (const check of probe.checks) {
        if (!/^[a-z0-9]+\.[a-z0-9-]+$/.test(check.id)) throw new Error(`Check id "${check.id}" is not <category>.<name>`);
        if (!check.id.startsWith(`${check.category}.`)) throw new Error(`Check id "${check.id}" does not start with its category "${check.category}"`);
        if (this.byId.has(check.id)) throw new Error(`Check id "${check.id}" is defined twice`);
        this.byId.set(check.id, check);
        this.probeOf.set(check.id, probe);
      }
    }
  }

  get(id: string): CheckDefinition | undefined {
    return this.byId.get(id);
  }

  /** The probe that owns a check. */
  probe(id: string): Probe | undefined {
    return this.probeOf.get(id);
  }

  /** Every check, ordered by category then id. */
  all(): CheckDefinition[] {
    return [...this.byId.values()].sort((a, b) => a.category.localeCompare(b.category) || a.id.localeCompare(b.id));
  }
}

let defaultCatalogue: CheckCatalogue | null = null;

/** The catalogue of the probes this build ships. */
export function checkCatalogue(): CheckCatalogue {
  return (defaultCatalogue ??= new CheckCatalogue(PROBES));
}
