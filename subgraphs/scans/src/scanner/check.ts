import type { Logger } from '../../../../lib/logger.js';
import type { NormalizedTarget, TargetHost } from '../target/target.js';
import type { FindingSeverity } from './finding-draft.js';
import type { ProfileSettings, ScanMode, ScanProfile } from './profiles.js';
import type { ScanDns } from './scan-dns.js';
import type { ScanHttp } from './scan-http.js';
import type { ScanNet } from './scan-net.js';
import type { PageSnapshot } from './page.js';

/** What a check's findings are about, for grouping in the catalogue. */
export const CHECK_CATEGORIES = [
  'headers',
  'cookies',
  'cors',
  'transport',
  'tls',
  'software',
  'secrets',
  'exposure',
  'network',
  'performance',
  'dns',
] as const;
export type CheckCategory = (typeof CHECK_CATEGORIES)[number];

/** How sure a finding of this check is: CONFIRMED (proven), FIRM (strong signal), TENTATIVE. */
export const CONFIDENCES = ['CONFIRMED', 'FIRM', 'TENTATIVE'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

/**
 * One entry of the check catalogue: a stable id (`<category>.<name>`) and everything a user needs
 * to know what is tested and what a finding of it means. Ids never change once published.
 */
export interface CheckDefinition {
  id: string;
  title: string;
  category: CheckCategory;
  severity: FindingSeverity;
  cweId: string | null;
  confidence: Confidence;
  /** What the check tests, in a sentence or two. */
  description: string;
  /** What a finding's evidence shows. */
  evidence: string;
  remediation: string;
  /** PASSIVE checks run in both modes; ACTIVE ones only in active scans. */
  mode: ScanMode;
  /** The lightest profile that runs the check. */
  profile: ScanProfile;
}

/** A finding as a probe reports it; title, remediation and CWE default to the catalogue's. */
export interface ProbeFinding {
  checkId: string;
  /** What was tested: a URL, `host:port` or a domain. Defaults to the host's first URL. */
  target?: string;
  /** Where on the target (a header, `script.js:12`, a path, a cookie name): part of the fingerprint. */
  location?: string;
  description: string;
  evidence: Record<string, unknown>;
  severity?: FindingSeverity;
  title?: string;
  remediation?: string;
  cveIds?: string[];
}

/** One host of the target, with the addresses checked against the policy (connect only to these). */
export interface ScanHostInfo extends TargetHost {
  addresses: string[];
}

/** What a probe gets: the host, the scan's settings and the only ways it may touch the network. */
export interface ProbeContext {
  target: NormalizedTarget;
  host: ScanHostInfo;
  mode: ScanMode;
  profile: ProfileSettings;
  /** Every HTTP request goes through here: policy, budget, per-host concurrency, timeouts. */
  http: ScanHttp;
  /** Every TCP/TLS connection goes through here: policy-checked addresses only. */
  net: ScanNet;
  dns: ScanDns;
  /** Extra CA certificates (PEM, SCAN_EXTRA_CA_FILE) trusted besides the system's, e.g. a lab's CA. */
  ca?: string;
  /** The host's page and its same-origin assets, fetched once per host and shared; null if no web server answered. */
  page(): Promise<PageSnapshot | null>;
  report(finding: ProbeFinding): void;
  /** Aborted on cancel or when the scan deadline passes. */
  signal: AbortSignal;
  log: Logger;
}

/**
 * A unit of scanning work: runs on one host and reports findings of the checks it owns. The
 * engine emits a started and a finished event around each probe.
 */
export interface Probe {
  /** Stable id shown in progress events, e.g. `tls` or `network.ports`. */
  id: string;
  title: string;
  checks: readonly CheckDefinition[];
  mode: ScanMode;
  profile: ScanProfile;
  /** Whether the probe has anything to do for this host (e.g. dns only for domain names). */
  appliesTo?(target: NormalizedTarget, host: ScanHostInfo): boolean;
  run(ctx: ProbeContext): Promise<void>;
}
