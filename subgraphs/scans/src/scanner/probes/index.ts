import type { Probe } from '../check.js';

/**
 * Every probe the engine runs, in the order they start on a host. Each module owns its checks'
 * catalogue entries; the catalogue is the union of theirs.
 */
export const PROBES: readonly Probe[] = [
];
