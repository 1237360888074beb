import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { count, flag, internalSecret } from '../../../../lib/config/env.js';
import { AddressPolicy } from '../../../../lib/net/address-policy.js';

/**
 * Alert settings, read by the findings subgraph (configuration, testAlert, redeliverAlert) and by
 * workers (evaluation and delivery). The stack gives every service the same environment.
 */
export const alertEnv = z.object({
  /** Encrypts channel URLs and webhook secrets at rest (key derived per purpose) and signs report links. */
  INTERNAL_TOKEN_SECRET: internalSecret,
  /** Addresses beyond public unicast that webhooks may reach: the scanner's own policy (DESIGN §6). */
  SCAN_ALLOW_CIDRS: z.string().default(''),
  /** true: plain http:// webhook URLs are accepted (default: https only). */
  ALERT_ALLOW_HTTP: flag('false'),
  /** PEM file of extra CAs trusted for webhook TLS (a private PKI, or a test's own CA). */
  ALERT_EXTRA_CA_FILE: z.string().optional(),
  /** Retries of a failed delivery after the first attempt (exponential backoff). */
  ALERT_RETRY_LIMIT: count(0, 20, 5),
  /** First retry delay in seconds; each later one doubles (with jitter), capped at one hour. */
  ALERT_RETRY_DELAY_SECONDS: count(1, 3600, 30),
  /** Deadline of one webhook or SMTP attempt. */
  ALERT_TIMEOUT_MS: count(500, 120_000, 10_000),
  /** Findings listed in one message; the rest are counted ("and N more"). */
  ALERT_MAX_LISTED: count(1, 50, 20),
  /** How long report links in alerts work (default 7 days, at most 30). */
  ALERT_LINK_TTL_SECONDS: count(300, 30 * 86_400, 7 * 86_400),
  /** How often workers look for KEV changes and stranded deliveries without a wake-up. */
  ALERT_POLL_SECONDS: count(1, 3600, 30),
  /** SMTP relay for email alerts, e.g. smtp://user:pass@relay:587; unset: email channels are refused. */
  SMTP_URL: z.string().url().optional(),
  /** From address of email alerts. */
  ALERT_EMAIL_FROM: z.string().min(3).default('Fix First alerts <alerts@localhost>'),
  /** The REST adapter's public base URL: report links in alerts point at it. */
  REST_PUBLIC_URL: z.string().url().default('http://127.0.0.1:8080'),
});
export type AlertEnv = z.infer<typeof alertEnv>;

/** Alert settings resolved once per process. */
export interface AlertSettings {
  secret: string;
  policy: AddressPolicy;
  allowHttp: boolean;
  ca: string | null;
  retryLimit: number;
  retryDelaySeconds: number;
  timeoutMs: number;
  maxListed: number;
  linkTtlSeconds: number;
  pollSeconds: number;
  smtpUrl: string | null;
  emailFrom: string;
  publicUrl: string;
}

export function alertSettings(env: AlertEnv): AlertSettings {
  return {
    secret: env.INTERNAL_TOKEN_SECRET,
    policy: AddressPolicy.parse(env.SCAN_ALLOW_CIDRS),
    allowHttp: env.ALERT_ALLOW_HTTP,
    ca: env.ALERT_EXTRA_CA_FILE ? readFileSync(env.ALERT_EXTRA_CA_FILE, 'utf8') : null,
    retryLimit: env.ALERT_RETRY_LIMIT,
    retryDelaySeconds: env.ALERT_RETRY_DELAY_SECONDS,
    timeoutMs: env.ALERT_TIMEOUT_MS,
    maxListed: env.ALERT_MAX_LISTED,
    linkTtlSeconds: env.ALERT_LINK_TTL_SECONDS,
    pollSeconds: env.ALERT_POLL_SECONDS,
    smtpUrl: env.SMTP_URL ?? null,
    emailFrom: env.ALERT_EMAIL_FROM,
    publicUrl: env.REST_PUBLIC_URL,
  };
}
