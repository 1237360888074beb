import type { CheckDefinition, ProbeContext } from '../../check.js';

/** What one exchange with a port proved about the service behind it. */
export type ServiceVerdict =
  /** The service answered a privileged request without credentials: `evidence` is the proof. */
  | { kind: 'unauthenticated'; evidence: Record<string, unknown>; summary: string }
  /** It is this service, and it asked for credentials (or refused us). */
  | { kind: 'protected'; detail: string }
  /** Something answered, but not as this service does. */
  | { kind: 'other' }
  /** Nothing usable came back (closed early, timed out, refused). */
  | { kind: 'no-answer' };

/**
 * One unauthenticated-access check of a network service: which ports it runs on and the single
 * request/response exchange that proves (or disproves) that no credentials are needed.
 */
export interface ServiceCheck {
  /** The service name, as services.ts and banners name it (`redis`, `ftp`). */
  service: string;
  /** Human name for descriptions (`Redis`). */
  label: string;
  definition: CheckDefinition;
  /** The ports the service listens on by default; AGGRESSIVE also runs on ports whose banner names it. */
  ports: readonly number[];
  /** One exchange; must not throw for the target's behaviour (only if the scan is aborted). */
  run(ctx: ProbeContext, address: string, port: number): Promise<ServiceVerdict>;
}

/** `host:port`, with IPv6 literals bracketed. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
