import { isIP } from 'node:net';

/** Longest User-Agent kept: enough to identify a client, bounded so audit rows stay small. */
export const USER_AGENT_MAX = 512;

/**
 * The caller's address. With `trustedHops` proxies in front (each appending the address it saw
 * to X-Forwarded-For), the caller is the entry `trustedHops` from the right of
 * [...forwarded, socket]; entries further left are whatever the caller chose to send.
 */
export function sourceIpOf(socketAddress: string | null | undefined, forwardedFor: string | null | undefined, trustedHops: number): string | null {
  const socket = normaliseIp(socketAddress);
  if (trustedHops <= 0 || !forwardedFor) return socket;
  const chain = forwardedFor
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const hops = [...chain, socket ?? ''];
  const picked = hops[Math.max(0, hops.length - 1 - trustedHops)];
  return normaliseIp(picked) ?? socket;
}

/** The User-Agent without control characters, truncated; null when absent. */
export function userAgentOf(raw: string | null | undefined): string | null {
  if (!raw) return null;
  // eslint-disable-next-line no-control-regex
  const clean = raw.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean ? clean.slice(0, USER_AGENT_MAX) : null;
}

/** A bare IP ("::ffff:1.2.3.4" becomes "1.2.3.4"); null when it is not an address. */
function normaliseIp(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const v = raw.startsWith('::ffff:') && isIP(raw.slice(7)) === 4 ? raw.slice(7) : raw;
  return isIP(v) ? v : null;
}
