import { TOP_100_PORTS, TOP_1000_PORTS } from './probes/network/port-lists.js';

export type ScanMode = 'PASSIVE' | 'ACTIVE';
export type ScanProfile = 'LIGHT' | 'STANDARD' | 'AGGRESSIVE';
export const PROFILE_ORDER: readonly ScanProfile[] = ['LIGHT', 'STANDARD', 'AGGRESSIVE'];

/** The depth and limits of one profile. Every number here bounds what one scan may cost. */
export interface ProfileSettings {
  name: ScanProfile;
  /** HTTP requests one scan may send in all (every host, every probe). */
  requestBudget: number;
  /** HTTP requests in flight to one host at once. */
  perHostConcurrency: number;
  /** One HTTP request, redirects and body included; one TCP connect or banner read. */
  requestTimeoutMs: number;
  /** The whole scan: past it every probe is aborted and the scan ends with what it found. */
  deadlineMs: number;
  /** Largest page or asset body read; the rest is never read. */
  maxBodyBytes: number;
  /** Same-origin scripts and stylesheets fetched per host (plus their source maps). */
  maxAssets: number;
  /** Same-origin pages linked from the first page that are also read (deeper crawl). */
  maxLinkedPages: number;
  /** TCP ports tried per host in active scans. */
  ports: readonly number[];
  /** TCP connects in flight per host during the port scan. */
  portConcurrency: number;
  /** Hosts of a CIDR or multi-address target scanned at once. */
  hostConcurrency: number;
}

const PROFILES: Record<ScanProfile, ProfileSettings> = {
  LIGHT: {
    name: 'LIGHT',
    requestBudget: 60,
    perHostConcurrency: 4,
    requestTimeoutMs: 8_000,
    deadlineMs: 60_000,
    maxBodyBytes: 1024 * 1024,
    maxAssets: 0,
    maxLinkedPages: 0,
    ports: [],
    portConcurrency: 0,
    hostConcurrency: 8,
  },
  STANDARD: {
    name: 'STANDARD',
    requestBudget: 400,
    perHostConcurrency: 6,
    requestTimeoutMs: 10_000,
    deadlineMs: 5 * 60_000,
    maxBodyBytes: 2 * 1024 * 1024,
    maxAssets: 25,
    maxLinkedPages: 0,
    ports: TOP_100_PORTS,
    portConcurrency: 100,
    hostConcurrency: 8,
  },
  AGGRESSIVE: {
    name: 'AGGRESSIVE',
    requestBudget: 2_000,
    perHostConcurrency: 8,
    requestTimeoutMs: 15_000,
    deadlineMs: 10 * 60_000,
    maxBodyBytes: 5 * 1024 * 1024,
    maxAssets: 60,
    maxLinkedPages: 10,
    ports: TOP_1000_PORTS,
    portConcurrency: 500,
    hostConcurrency: 8,
  },
};

/** The settings of a profile; `overrides` lets an operator (or a test) tighten the limits. */
export function profileSettings(name: ScanProfile, overrides: Partial<ProfileSettings> = {}): ProfileSettings {
  return { ...PROFILES[name], ...overrides, name };
}

/** True if a check of `minimum` profile runs in a scan of `profile`. */
export function profileIncludes(profile: ScanProfile, minimum: ScanProfile): boolean {
  return PROFILE_ORDER.indexOf(profile) >= PROFILE_ORDER.indexOf(minimum);
}
