import { afterEach, describe, expect, it } from 'vitest';
import { makeProbeContext } from '../../../../../../test/support/probe-context.js';
import { memcachedCheck, memcachedReplyComplete } from './memcached.check.js';
import { memcachedStandIn, redisStandIn, TEST_HOST, type StandIn } from './stand-in-servers.test-util.js';

const ctx = () => makeProbeContext({ target: TEST_HOST, targetType: 'IP', mode: 'ACTIVE' });

describe('memcached check', () => {
  let server: StandIn | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('proves unauthenticated access from STAT pid in the stats reply, keeping only the version', async () => {
    server = await memcachedStandIn({ requireAuth: false });
    expect(await memcachedCheck.run(ctx(), TEST_HOST, server.port)).toEqual({
      kind: 'unauthenticated',
      evidence: { command: 'stats', memcachedVersion: '1.6.18' },
      summary: 'answered stats without credentials (version 1.6.18)',
    });
    expect(server.received[0]!.toString()).toBe('stats\r\n');
  });

  it('does not report a server that requires authentication', async () => {
    server = await memcachedStandIn({ requireAuth: true });
    expect(await memcachedCheck.run(ctx(), TEST_HOST, server.port)).toEqual({ kind: 'protected', detail: 'CLIENT_ERROR unauthenticated' });
  });

  it('does not mistake a Redis error reply for memcached', async () => {
    server = await redisStandIn({ requirePassword: false });
    expect(await memcachedCheck.run(ctx(), TEST_HOST, server.port)).toEqual({ kind: 'other' });
  });

  it('knows when a stats reply is whole', () => {
    expect(memcachedReplyComplete(Buffer.from('STAT pid 1\r\nSTAT uptime 2\r\n'))).toBe(false);
    expect(memcachedReplyComplete(Buffer.from('STAT pid 1\r\nEND\r\n'))).toBe(true);
    expect(memcachedReplyComplete(Buffer.from('ERROR\r\n'))).toBe(true);
    expect(memcachedReplyComplete(Buffer.from("-ERR unknown command 'stats'\r\n"))).toBe(true);
  });
});
