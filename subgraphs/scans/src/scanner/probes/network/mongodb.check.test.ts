import { afterEach, describe, expect, it } from 'vitest';
import { makeProbeContext } from '../../../../../../test/support/probe-context.js';
import { decodeBson, encodeBson } from './bson.js';
import { mongodbCheck, opMsg, parseOpMsgReply } from './mongodb.check.js';
import { mongoStandIn, tcpStandIn, TEST_HOST, type StandIn } from './stand-in-servers.test-util.js';

const ctx = () => makeProbeContext({ target: TEST_HOST, targetType: 'IP', mode: 'ACTIVE' });

describe('mongodb check', () => {
  let server: StandIn | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('reports an ok:1 listDatabases reply, keeping only the number of databases', async () => {
    server = await mongoStandIn({ requireAuth: false });
    expect(await mongodbCheck.run(ctx(), TEST_HOST, server.port)).toEqual({
      kind: 'unauthenticated',
      evidence: { command: 'listDatabases', database: 'admin', ok: 1, databaseCount: 4 },
      summary: 'listed 4 database(s) without credentials',
    });
  });

  it('does not report an Unauthorized reply', async () => {
    server = await mongoStandIn({ requireAuth: true });
    expect(await mongodbCheck.run(ctx(), TEST_HOST, server.port)).toEqual({
      kind: 'protected',
      detail: 'Unauthorized: command listDatabases requires authentication',
    });
  });

  it('calls bytes that are not an OP_MSG reply "other"', async () => {
    server = await tcpStandIn({ onData: (_all, socket) => socket.end('HTTP/1.0 400 Bad Request\r\n\r\n') });
    expect(await mongodbCheck.run(ctx(), TEST_HOST, server.port)).toEqual({ kind: 'other' });
  });

  it('sends an OP_MSG whose kind-0 section is {listDatabases: 1, nameOnly: true, $db: "admin"}', () => {
    const msg = opMsg(7, { listDatabases: 1, nameOnly: true, $db: 'admin' });
    expect(msg.readInt32LE(0)).toBe(msg.length);
    expect(msg.readInt32LE(4)).toBe(7);
    expect(msg.readInt32LE(12)).toBe(2013);
    expect(msg[20]).toBe(0);
    expect(decodeBson(msg, 21)).toEqual({ listDatabases: 1, nameOnly: true, $db: 'admin' });
    expect(parseOpMsgReply(msg)).toEqual({ listDatabases: 1, nameOnly: true, $db: 'admin' });
  });

  it('decodes nested documents, arrays, doubles and int64s, and rejects truncated BSON', () => {
    // {a: {b: [1.5, "x"]}, n: int64 5} by hand.
    const inner = Buffer.from([
      0x1d, 0, 0, 0, 0x01, 0x30, 0, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0x02, 0x31, 0, 2, 0, 0, 0, 0x78, 0, 0,
    ]);
    inner.writeInt32LE(inner.length, 0);
    const a = Buffer.concat([Buffer.from([0x04, 0x62, 0]), inner]);
    const aDoc = Buffer.concat([Buffer.alloc(4), a, Buffer.from([0])]);
    aDoc.writeInt32LE(aDoc.length, 0);
    const n = Buffer.from([0x12, 0x6e, 0, 5, 0, 0, 0, 0, 0, 0, 0]);
    const body = Buffer.concat([Buffer.from([0x03, 0x61, 0]), aDoc, n]);
    const doc = Buffer.concat([Buffer.alloc(4), body, Buffer.from([0])]);
    doc.writeInt32LE(doc.length, 0);
    expect(decodeBson(doc)).toEqual({ a: { b: [1.5, 'x'] }, n: 5n });
    expect(() => decodeBson(doc.subarray(0, doc.length - 3))).toThrow(/size is invalid/);
    expect(decodeBson(encodeBson({ ok: 0.5, s: 'é' }))).toEqual({ ok: 0.5, s: 'é' });
  });
});
