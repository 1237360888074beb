import type { NewFinding } from '../../subgraphs/findings/src/module.js';

/** A finding as a check reports it, for tests that write findings directly; override what matters. */
export function newFinding(over: Partial<NewFinding> = {}): NewFinding {
  return {
    checkId: 'software.known-vulnerable',
    severity: 'HIGH',
    title: 't',
    description: 'd',
    evidence: {},
    remediation: 'r',
    cweId: 'CWE-1395',
    target: 'https://shop.example/',
    location: null,
    cveIds: [],
    confidence: 'FIRM',
    ...over,
  };
}
