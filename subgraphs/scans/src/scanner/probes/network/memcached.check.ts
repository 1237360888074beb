import type { CheckDefinition, ProbeContext } from '../../check.js';
import type { ServiceCheck, ServiceVerdict } from './service-check.js';
import { sanitizeBanner } from './services.js';
import { exchangeTimeout, withSession } from './tcp-session.js';

export const MEMCACHED_UNAUTHENTICATED: CheckDefinition = {
  id: 'network.memcached-unauthenticated',
  title: 'Memcached answers without authentication',
  category: 'network',
  severity: 'HIGH',
  cweId: 'CWE-306',
  confidence: 'CONFIRMED',
  description:
    'Sends the read-only `stats` command of the memcached text protocol without credentials. A reply listing `STAT pid` proves ' +
    'that anyone who reaches the port can read, overwrite and flush every cached item (sessions, tokens, rendered pages) and ' +
    'abuse the server for traffic amplification.',
  evidence: 'The memcached version from the stats reply, the address and port; no cached items are read.',
  remediation:
    'Do not expose memcached to the internet: listen on a private address only (`-l 127.0.0.1` or `-l 10.0.0.5` in ' +
    '/etc/memcached.conf), disable UDP (`-U 0`) and firewall port 11211. If clients must cross an untrusted network, enable ' +
    'SASL (`-S`) or the ASCII authentication file (`-Y /etc/memcached/auth`) and TLS.',
  mode: 'ACTIVE',
  profile: 'STANDARD',
};

/** `stats` ends with END; any other reply (an error, or another service's) is its first line. */
export function memcachedReplyComplete(data: Buffer): boolean {
  const text = data.toString('latin1');
  if (/(^|\r\n)END\r\n$/.test(text)) return true;
  return text.includes('\n') && !text.startsWith('STAT ');
}

/** Judges a reply to `stats`. */
export function judgeMemcachedReply(reply: Buffer): ServiceVerdict {
  const text = reply.toString('latin1');
  const pid = /^STAT pid \d+\r?$/m.test(text);
  if (pid) {
    const version = /^STAT version ([^\r\n]+)/m.exec(text)?.[1]?.trim();
    return {
      kind: 'unauthenticated',
      evidence: { command: 'stats', ...(version ? { memcachedVersion: version } : {}) },
      summary: `answered stats without credentials${version ? ` (version ${version})` : ''}`,
    };
  }
  // With SASL or an auth file the text protocol refuses commands before authentication.
  if (/^(CLIENT_ERROR|ERROR|SERVER_ERROR)\b/.test(text)) return { kind: 'protected', detail: sanitizeBanner(reply) };
  return reply.length === 0 ? { kind: 'no-answer' } : { kind: 'other' };
}

export const memcachedCheck: ServiceCheck = {
  service: 'memcached',
  label: 'Memcached',
  definition: MEMCACHED_UNAUTHENTICATED,
  ports: [11211],
  async run(ctx: ProbeContext, address: string, port: number): Promise<ServiceVerdict> {
    const timeoutMs = exchangeTimeout(ctx);
    const verdict = await withSession(ctx.net, address, port, { timeoutMs, signal: ctx.signal }, async (session) => {
      session.write('stats\r\n');
      const { data } = await session.read({ timeoutMs, complete: memcachedReplyComplete });
      return judgeMemcachedReply(data);
    });
    return verdict ?? { kind: 'no-answer' };
  },
};
