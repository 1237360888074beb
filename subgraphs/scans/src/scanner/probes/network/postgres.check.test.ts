import { afterEach, describe, expect, it } from 'vitest';
import { makeProbeContext } from '../../../../../../test/support/probe-context.js';
import { parseStartupReply, postgresCheck, startupMessage, TERMINATE } from './postgres.check.js';
import { postgresStandIn, tcpStandIn, TEST_HOST, type StandIn } from './stand-in-servers.test-util.js';

const ctx = () => makeProbeContext({ target: TEST_HOST, targetType: 'IP', mode: 'ACTIVE' });

describe('postgres trust-auth check', () => {
  let server: StandIn | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('reports AuthenticationOk for user postgres with the server_version, then sends Terminate', async () => {
    server = await postgresStandIn({ method: 'trust' });
    expect(await postgresCheck.run(ctx(), TEST_HOST, server.port)).toEqual({
      kind: 'unauthenticated',
      evidence: { user: 'postgres', database: 'postgres', authenticationCode: 0, serverVersion: '16.4 (Debian 16.4-1.pgdg120+1)' },
      summary: 'accepted user postgres without a password (server_version 16.4 (Debian 16.4-1.pgdg120+1))',
    });
    const startup = startupMessage('postgres', 'postgres');
    await expect.poll(() => server!.received[0]!.length).toBe(startup.length + TERMINATE.length);
    expect(server.received[0]!.subarray(0, startup.length)).toEqual(startup);
    expect(server.received[0]!.subarray(startup.length)).toEqual(TERMINATE);
  });

  it('does not report a SCRAM (SASL) or MD5 password request, and sends no Terminate then', async () => {
    server = await postgresStandIn({ method: 'scram' });
    expect(await postgresCheck.run(ctx(), TEST_HOST, server.port)).toEqual({ kind: 'protected', detail: 'asks for SASL (SCRAM)' });
    expect(server.received[0]).toEqual(startupMessage('postgres', 'postgres'));
    await server.close();
    server = await postgresStandIn({ method: 'md5' });
    expect(await postgresCheck.run(ctx(), TEST_HOST, server.port)).toEqual({ kind: 'protected', detail: 'asks for MD5 password' });
  });

  it('does not report a pg_hba refusal', async () => {
    server = await postgresStandIn({ method: 'no-hba' });
    const verdict = await postgresCheck.run(ctx(), TEST_HOST, server.port);
    expect(verdict.kind).toBe('protected');
    expect(verdict.kind === 'protected' && verdict.detail).toMatch(/^refused: 28000 no pg_hba.conf entry/);
  });

  it('calls a non-PostgreSQL answer "other"', async () => {
    server = await tcpStandIn({ onData: (_all, socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n') });
    expect(await postgresCheck.run(ctx(), TEST_HOST, server.port)).toEqual({ kind: 'other' });
  });

  it('builds a protocol 3.0 StartupMessage and waits for ReadyForQuery after AuthenticationOk', () => {
    const msg = startupMessage('postgres', 'postgres');
    expect(msg.readInt32BE(0)).toBe(msg.length);
    expect(msg.readInt32BE(4)).toBe(196_608);
    expect(msg.subarray(8).toString()).toBe('user\0postgres\0database\0postgres\0application_name\0fixfirst-scanner\0\0');
    const authOk = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0]);
    expect(parseStartupReply(authOk)).toMatchObject({ authCode: 0, done: false });
    expect(parseStartupReply(Buffer.concat([authOk, Buffer.from([0x5a, 0, 0, 0, 5, 0x49])]))).toMatchObject({ authCode: 0, done: true });
  });
});
