import { z } from 'zod';
import { databaseUrl, internalSecret, logLevel } from './env.js';

/** Settings every service started alone needs: the shared database and the gateway's secret. */
export const commonEnv = z.object({
  DATABASE_URL: databaseUrl,
  INTERNAL_TOKEN_SECRET: internalSecret,
  LOG_LEVEL: logLevel,
  /** Interface to bind. 127.0.0.1 by default; 0.0.0.0 to serve other machines. */
  HOST: z.string().default('127.0.0.1'),
  /** Apply this service's migrations at boot (under an advisory lock). */
  MIGRATE_ON_BOOT: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
});

/** Scan safety: CIDRs (or addresses) allowed beyond public unicast, e.g. `127.0.0.0/8`. */
export const scanPolicyEnv = z.object({
  SCAN_ALLOW_CIDRS: z.string().default(''),
  /** Largest CIDR target, in addresses (256 = a /24). */
  SCAN_MAX_CIDR_HOSTS: z.coerce.number().int().min(1).max(65536).default(256),
  /** DNS servers the scanner asks (`ip` or `ip:port`, comma-separated); default: the system's. */
  DNS_SERVERS: z
    .string()
    .regex(/^\s*$|^[\s,]*(?:\[[0-9a-fA-F:.]+\](?::\d{1,5})?|[0-9a-fA-F:.]+)(?:[\s,]+(?:\[[0-9a-fA-F:.]+\](?::\d{1,5})?|[0-9a-fA-F:.]+))*[\s,]*$/, 'DNS_SERVERS must list IP addresses, optionally with :port, e.g. 127.0.0.53:5353')
    .optional(),
});

/** Queue behaviour shared by the scans subgraph (which enqueues) and the workers. */
export const queueEnv = z.object({
  SCAN_HEARTBEAT_SECONDS: z.coerce.number().int().min(10).default(30),
  SCAN_SUPERVISE_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(15),
  SCAN_RETRY_LIMIT: z.coerce.number().int().min(0).max(20).default(3),
  SCAN_EXPIRE_SECONDS: z.coerce.number().int().min(30).default(900),
});

export function queueTuning(env: z.infer<typeof queueEnv>) {
  return {
    heartbeatSeconds: env.SCAN_HEARTBEAT_SECONDS,
    superviseIntervalSeconds: env.SCAN_SUPERVISE_INTERVAL_SECONDS,
    retryLimit: env.SCAN_RETRY_LIMIT,
    expireInSeconds: env.SCAN_EXPIRE_SECONDS,
  };
}

/** API key prefix of this deployment (`fxv_`, or `fxw_` for FixWeb). */
export const keyPrefixEnv = z.object({
  API_KEY_PREFIX: z
    .string()
    .regex(/^[a-z]{2,8}_$/, 'API_KEY_PREFIX must be 2-8 lower-case letters and an underscore, e.g. fxv_')
    .default('fxv_'),
});
