import { afterEach, describe, expect, it } from 'vitest';
import { makeProbeContext } from '../../../../../../test/support/probe-context.js';
import { ftpCheck, ftpReplyCode, ftpReplyComplete } from './ftp.check.js';
import { ftpStandIn, tcpStandIn, TEST_HOST, type StandIn } from './stand-in-servers.test-util.js';

const ctx = () => makeProbeContext({ target: TEST_HOST, targetType: 'IP', mode: 'ACTIVE' });

describe('ftp anonymous check', () => {
  let server: StandIn | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('reports a 230 reply to USER anonymous / PASS scanner@, then says QUIT', async () => {
    server = await ftpStandIn({ anonymous: true });
    expect(await ftpCheck.run(ctx(), TEST_HOST, server.port)).toEqual({
      kind: 'unauthenticated',
      evidence: { user: 'anonymous', greeting: '220 (vsFTPd 3.0.3)', reply: '230 Login successful.' },
      summary: 'accepted an anonymous login (230 Login successful.)',
    });
    await expect.poll(() => server!.received[0]!.toString()).toBe('USER anonymous\r\nPASS scanner@\r\nQUIT\r\n');
  });

  it('does not report a 530 reply', async () => {
    server = await ftpStandIn({ anonymous: false });
    expect(await ftpCheck.run(ctx(), TEST_HOST, server.port)).toEqual({ kind: 'protected', detail: '530 Login incorrect.' });
  });

  it('sends nothing to a service whose greeting is not 220', async () => {
    server = await tcpStandIn({ greeting: '421 Too many connections, try later.\r\n' });
    expect(await ftpCheck.run(ctx(), TEST_HOST, server.port)).toEqual({ kind: 'no-answer' });
    expect(server.received[0]!.length).toBe(0);
  });

  it('reads multi-line replies to their last line', () => {
    const multi = Buffer.from('230-Welcome\r\n230-Be nice\r\n');
    expect(ftpReplyComplete(multi)).toBe(false);
    const whole = Buffer.concat([multi, Buffer.from('230 Login successful.\r\n')]);
    expect(ftpReplyComplete(whole)).toBe(true);
    expect(ftpReplyCode(whole)).toBe(230);
  });
});
