import type { CheckDefinition, ProbeContext } from '../../check.js';
import type { ServiceCheck, ServiceVerdict } from './service-check.js';
import { sanitizeBanner } from './services.js';
import { exchangeTimeout, withSession } from './tcp-session.js';

export const REDIS_UNAUTHENTICATED: CheckDefinition = {
  id: 'network.redis-unauthenticated',
  title: 'Redis accepts commands without authentication',
  category: 'network',
  severity: 'CRITICAL',
  cweId: 'CWE-306',
  confidence: 'CONFIRMED',
  description:
    'Sends one read-only command (`INFO server`) to the Redis port without credentials. A reply carrying `redis_version:` proves ' +
    'that anyone who reaches the port can run commands: read and delete every key, and with CONFIG SET/SAVE or MODULE LOAD write ' +
    'files on the server, which is a well-known path to remote code execution. A -NOAUTH or -DENIED reply is not a finding.',
  evidence: 'The Redis version and mode from the INFO reply, the address and port; no keys or values are read.',
  remediation:
    'Do not expose Redis to the internet: bind it to private interfaces (`bind 127.0.0.1 10.0.0.5`), keep `protected-mode yes`, ' +
    'and firewall port 6379. Require authentication: `requirepass <long random secret>` or, on Redis 6+, ACL users with ' +
    '`user default off` and named users with passwords. Rename or disable dangerous commands (`rename-command CONFIG ""`).',
  mode: 'ACTIVE',
  profile: 'STANDARD',
};

/** A whole reply to one command: a bulk string of its announced length, or one status/error line. */
export function redisReplyComplete(data: Buffer): boolean {
  if (data.length === 0) return false;
  const lineEnd = data.indexOf('\r\n');
  if (lineEnd < 0) return false;
  if (data[0] !== 0x24 /* $ */) return true;
  const length = Number(data.subarray(1, lineEnd).toString('latin1'));
  if (!Number.isInteger(length) || length < 0) return true;
  return data.length >= lineEnd + 2 + length + 2;
}

/** Judges a reply to `INFO server`. */
export function judgeRedisReply(reply: Buffer): ServiceVerdict {
  const text = reply.toString('latin1');
  const version = /^redis_version:([^\r\n]+)/m.exec(text)?.[1];
  if (version) {
    const mode = /^redis_mode:([^\r\n]+)/m.exec(text)?.[1];
    return {
      kind: 'unauthenticated',
      evidence: { command: 'INFO server', redisVersion: version.trim(), ...(mode ? { redisMode: mode.trim() } : {}) },
      summary: `answered INFO without credentials (redis_version:${version.trim()})`,
    };
  }
  // NOAUTH/WRONGPASS: a password is required; DENIED: protected mode; NOPERM: the default user may not run INFO.
  if (/^-(NOAUTH|WRONGPASS|DENIED|NOPERM)\b/.test(text)) return { kind: 'protected', detail: sanitizeBanner(reply) };
  return reply.length === 0 ? { kind: 'no-answer' } : { kind: 'other' };
}

export const redisCheck: ServiceCheck = {
  service: 'redis',
  label: 'Redis',
  definition: REDIS_UNAUTHENTICATED,
  ports: [6379],
  async run(ctx: ProbeContext, address: string, port: number): Promise<ServiceVerdict> {
    const timeoutMs = exchangeTimeout(ctx);
    const verdict = await withSession(ctx.net, address, port, { timeoutMs, signal: ctx.signal }, async (session) => {
      // An inline command: Redis accepts it like the RESP form, and a non-Redis service sees one plain line.
      session.write('INFO server\r\n');
      const { data } = await session.read({ timeoutMs, complete: redisReplyComplete });
      return judgeRedisReply(data);
    });
    return verdict ?? { kind: 'no-answer' };
  },
};
