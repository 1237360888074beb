import type { CheckDefinition, ProbeContext } from '../../check.js';
import { BsonError, decodeBson, encodeBson, type BsonDocument } from './bson.js';
import type { ServiceCheck, ServiceVerdict } from './service-check.js';
import { exchangeTimeout, withSession } from './tcp-session.js';

export const MONGODB_UNAUTHENTICATED: CheckDefinition = {
  id: 'network.mongodb-unauthenticated',
  title: 'MongoDB lists its databases without authentication',
  category: 'network',
  severity: 'CRITICAL',
  cweId: 'CWE-306',
  confidence: 'CONFIRMED',
  description:
    'Sends one `listDatabases` command (names only) to the admin database without credentials. An `ok: 1` reply with a ' +
    '`databases` list proves that authorization is off: anyone who reaches the port can read, change and drop every ' +
    'database (the pattern of the mass MongoDB ransom wipes). An Unauthorized reply is not a finding.',
  evidence: 'The command sent and how many databases the reply listed; database names and contents are not kept.',
  remediation:
    'Enable access control: create an administrator, then set `security.authorization: enabled` in mongod.conf and restart. ' +
    'Bind to private interfaces only (`net.bindIp: 127.0.0.1,10.0.0.5`), firewall port 27017, and enable TLS ' +
    '(`net.tls.mode: requireTLS`) for clients outside the host.',
  mode: 'ACTIVE',
  profile: 'STANDARD',
};

const OP_MSG = 2013;
const HEADER_BYTES = 16;
/** Largest reply we read; a names-only listDatabases reply is far smaller. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

/** An OP_MSG carrying one command document (section kind 0), as drivers send it. */
export function opMsg(requestId: number, command: Record<string, number | string | boolean>): Buffer {
  const body = encodeBson(command);
  const msg = Buffer.alloc(HEADER_BYTES + 4 + 1 + body.length);
  msg.writeInt32LE(msg.length, 0);
  msg.writeInt32LE(requestId, 4);
  msg.writeInt32LE(0, 8);
  msg.writeInt32LE(OP_MSG, 12);
  msg.writeUInt32LE(0, 16);
  msg.writeUInt8(0, 20);
  body.copy(msg, 21);
  return msg;
}

/** Whole once the length in the header has arrived. */
export function mongoReplyComplete(data: Buffer): boolean {
  return data.length >= 4 && data.length >= data.readInt32LE(0);
}

/** The command reply document of an OP_MSG, or null if the bytes are not one. */
export function parseOpMsgReply(data: Buffer): BsonDocument | null {
  if (data.length < HEADER_BYTES + 5) return null;
  const length = data.readInt32LE(0);
  if (length > data.length || length > MAX_MESSAGE_BYTES || data.readInt32LE(12) !== OP_MSG) return null;
  const msg = data.subarray(0, length);
  const checksum = (msg.readUInt32LE(16) & 1) === 1 ? 4 : 0;
  let at = HEADER_BYTES + 4;
  while (at < msg.length - checksum) {
    const kind = msg[at]!;
    if (kind === 0) {
      try {
        return decodeBson(msg, at + 1);
      } catch (err) {
        if (err instanceof BsonError) return null;
        throw err;
      }
    }
    if (kind !== 1 || at + 5 > msg.length) return null;
    // A document sequence (kind 1): skip it, the command reply is the kind-0 section.
    at += 1 + msg.readInt32LE(at + 1);
  }
  return null;
}

/** Judges the reply to listDatabases. */
export function judgeListDatabases(reply: BsonDocument | null, received: number): ServiceVerdict {
  if (!reply) return received === 0 ? { kind: 'no-answer' } : { kind: 'other' };
  const ok = typeof reply.ok === 'number' ? reply.ok : typeof reply.ok === 'bigint' ? Number(reply.ok) : reply.ok === true ? 1 : 0;
  if (ok === 1 && Array.isArray(reply.databases)) {
    return {
      kind: 'unauthenticated',
      evidence: { command: 'listDatabases', database: 'admin', ok: 1, databaseCount: reply.databases.length },
      summary: `listed ${reply.databases.length} database(s) without credentials`,
    };
  }
  const codeName = typeof reply.codeName === 'string' ? reply.codeName : '';
  const errmsg = typeof reply.errmsg === 'string' ? reply.errmsg : '';
  return { kind: 'protected', detail: `${codeName || 'refused'}: ${errmsg}`.slice(0, 200) };
}

export const mongodbCheck: ServiceCheck = {
  service: 'mongodb',
  label: 'MongoDB',
  definition: MONGODB_UNAUTHENTICATED,
  ports: [27017, 27018],
  async run(ctx: ProbeContext, address: string, port: number): Promise<ServiceVerdict> {
    const timeoutMs = exchangeTimeout(ctx);
    const verdict = await withSession(ctx.net, address, port, { timeoutMs, signal: ctx.signal }, async (session) => {
      session.write(opMsg(1, { listDatabases: 1, nameOnly: true, $db: 'admin' }));
      const { data } = await session.read({ timeoutMs, maxBytes: MAX_MESSAGE_BYTES, complete: mongoReplyComplete });
      return judgeListDatabases(parseOpMsgReply(data), data.length);
    });
    return verdict ?? { kind: 'no-answer' };
  },
};
