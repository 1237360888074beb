/**
 * The little BSON the MongoDB check needs, written here rather than pulling in a driver: encode a
 * flat command document, decode any reply document (nested documents and arrays included).
 */

export type BsonValue = number | bigint | string | boolean | null | Buffer | Date | BsonDocument | BsonValue[] | { $unsupported: number };
export interface BsonDocument {
  [key: string]: BsonValue;
}

/** Encodes a flat document of int32s, doubles, strings and booleans (all a command like listDatabases needs). */
export function encodeBson(doc: Record<string, number | string | boolean>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of Object.entries(doc)) {
    const name = Buffer.from(`${key}\0`, 'utf8');
    if (typeof value === 'string') {
      const str = Buffer.from(`${value}\0`, 'utf8');
      const len = Buffer.alloc(4);
      len.writeInt32LE(str.length, 0);
      parts.push(Buffer.from([0x02]), name, len, str);
    } else if (typeof value === 'boolean') {
      parts.push(Buffer.from([0x08]), name, Buffer.from([value ? 1 : 0]));
    } else if (Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) {
      const int = Buffer.alloc(4);
      int.writeInt32LE(value, 0);
      parts.push(Buffer.from([0x10]), name, int);
    } else {
      const dbl = Buffer.alloc(8);
      dbl.writeDoubleLE(value, 0);
      parts.push(Buffer.from([0x01]), name, dbl);
    }
  }
  const body = Buffer.concat(parts);
  const out = Buffer.alloc(4 + body.length + 1);
  out.writeInt32LE(out.length, 0);
  body.copy(out, 4);
  return out;
}

/** Thrown for bytes that are not a well-formed BSON document. */
export class BsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BsonError';
  }
}

/** Decodes one document starting at `offset`; throws BsonError on malformed input. */
export function decodeBson(buf: Buffer, offset = 0, depth = 0): BsonDocument {
  if (depth > 32) throw new BsonError('BSON nested too deeply');
  if (offset + 5 > buf.length) throw new BsonError('BSON document truncated');
  const size = buf.readInt32LE(offset);
  const end = offset + size;
  if (size < 5 || end > buf.length || buf[end - 1] !== 0) throw new BsonError('BSON document size is invalid');
  const doc: BsonDocument = {};
  let at = offset + 4;
  while (at < end - 1) {
    const type = buf[at++]!;
    const nameEnd = buf.indexOf(0, at);
    if (nameEnd < 0 || nameEnd >= end) throw new BsonError('BSON element name is not terminated');
    const name = buf.toString('utf8', at, nameEnd);
    at = nameEnd + 1;
    const need = (n: number): void => {
      if (at + n > end - 1) throw new BsonError(`BSON element "${name}" truncated`);
    };
    switch (type) {
      case 0x01: need(8); doc[name] = buf.readDoubleLE(at); at += 8; break;
      case 0x02:
      case 0x0d:
      case 0x0e: {
        need(4);
        const len = buf.readInt32LE(at);
        need(4 + len);
        if (len < 1) throw new BsonError(`BSON string "${name}" has an invalid length`);
        doc[name] = buf.toString('utf8', at + 4, at + 4 + len - 1);
        at += 4 + len;
        break;
      }
      case 0x03:
      case 0x04: {
        need(5);
        const sub = decodeBson(buf, at, depth + 1);
        doc[name] = type === 0x04 ? Object.values(sub) : sub;
        at += buf.readInt32LE(at);
        break;
      }
      case 0x05: {
        need(5);
        const len = buf.readInt32LE(at);
        need(5 + len);
        doc[name] = Buffer.from(buf.subarray(at + 5, at + 5 + len));
        at += 5 + len;
        break;
      }
      case 0x06: case 0x0a: case 0x7f: case 0xff: doc[name] = null; break;
      case 0x07: need(12); doc[name] = Buffer.from(buf.subarray(at, at + 12)); at += 12; break;
      case 0x08: need(1); doc[name] = buf[at] === 1; at += 1; break;
      case 0x09: need(8); doc[name] = new Date(Number(buf.readBigInt64LE(at))); at += 8; break;
      case 0x0b: {
        const patternEnd = buf.indexOf(0, at);
        const flagsEnd = patternEnd < 0 ? -1 : buf.indexOf(0, patternEnd + 1);
        if (flagsEnd < 0 || flagsEnd >= end) throw new BsonError(`BSON regex "${name}" is not terminated`);
        doc[name] = buf.toString('utf8', at, patternEnd);
        at = flagsEnd + 1;
        break;
      }
      case 0x10: need(4); doc[name] = buf.readInt32LE(at); at += 4; break;
      case 0x11:
      case 0x12: need(8); doc[name] = buf.readBigInt64LE(at); at += 8; break;
      case 0x13: need(16); doc[name] = { $unsupported: type }; at += 16; break;
      default:
        // DBPointer (0x0c) and code-with-scope (0x0f) are deprecated and never in command replies.
        throw new BsonError(`BSON type 0x${type.toString(16)} of "${name}" is not supported`);
    }
  }
  return doc;
}
