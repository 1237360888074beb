import { afterEach, describe, expect, it } from 'vitest';
import { makeProbeContext } from '../../../../../../test/support/probe-context.js';
import { judgeRedisReply, redisCheck, redisReplyComplete } from './redis.check.js';
import { redisStandIn, tcpStandIn, TEST_HOST, type StandIn } from './stand-in-servers.test-util.js';

const ctx = () => makeProbeContext({ target: TEST_HOST, targetType: 'IP', mode: 'ACTIVE' });

describe('redis check', () => {
  let server: StandIn | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('proves unauthenticated access from the redis_version of an INFO reply', async () => {
    server = await redisStandIn({ requirePassword: false });
    const verdict = await redisCheck.run(ctx(), TEST_HOST, server.port);
    expect(verdict).toEqual({
      kind: 'unauthenticated',
      evidence: { command: 'INFO server', redisVersion: '7.0.15', redisMode: 'standalone' },
      summary: 'answered INFO without credentials (redis_version:7.0.15)',
    });
    expect(server.received[0]!.toString()).toBe('INFO server\r\n');
  });

  it('does not report a server that answers NOAUTH', async () => {
    server = await redisStandIn({ requirePassword: true });
    expect(await redisCheck.run(ctx(), TEST_HOST, server.port)).toEqual({ kind: 'protected', detail: '-NOAUTH Authentication required.' });
  });

  it('does not report protected mode (-DENIED sent on connect)', async () => {
    server = await tcpStandIn({ greeting: '-DENIED Redis is running in protected mode because protected mode is enabled\r\n' });
    expect((await redisCheck.run(ctx(), TEST_HOST, server.port)).kind).toBe('protected');
  });

  it('calls a port that answers something else "other" and a silent one "no-answer"', async () => {
    server = await tcpStandIn({ greeting: 'SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n' });
    expect(await redisCheck.run(ctx(), TEST_HOST, server.port)).toEqual({ kind: 'other' });
    await server.close();
    server = await tcpStandIn({ onData: (_all, socket) => socket.end() });
    expect(await redisCheck.run(ctx(), TEST_HOST, server.port)).toEqual({ kind: 'no-answer' });
  });

  it('waits for the whole bulk reply before judging', () => {
    expect(redisReplyComplete(Buffer.from('$30\r\n# Server\r\nredis_vers'))).toBe(false);
    expect(redisReplyComplete(Buffer.from('$5\r\nabcde\r\n'))).toBe(true);
    expect(redisReplyComplete(Buffer.from('-NOAUTH Authentication required.\r\n'))).toBe(true);
    expect(judgeRedisReply(Buffer.from('-ERR unknown command\r\n')).kind).toBe('other');
  });
});
