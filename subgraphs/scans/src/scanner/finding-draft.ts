import type { NewFinding, Severity } from '../../../findings/src/module.js';

/** Severity levels a check may assign, most severe first (the findings module's own). */
export type FindingSeverity = Severity;

/**
 * What a check reports: exactly what the findings module's writer records, so the scanner and
 * the store cannot drift apart.
 */
export type FindingDraft = NewFinding;
