import dgram from 'node:dgram';
import { isIPv4, isIPv6, type AddressInfo } from 'node:net';

/**
 * The records of one name. A TXT record is a string (split into 255-byte character-strings on the
 * wire) or the list of its character-strings as published.
 */
export interface DnsZoneEntry {
  A?: string[];
  AAAA?: string[];
  TXT?: (string | string[])[];
}

/** Name (case-insensitive, no trailing dot) → records. Read on every query, so tests may edit it. */
export type DnsZone = Record<string, DnsZoneEntry>;

/** One question the server received. `type` is A, AAAA, TXT, … or TYPE<n> for others. */
export interface DnsQueryLog {
  name: string;
  type: string;
}

export interface LabDnsServer {
  address: string;
  port: number;
  /** `address:port` (`[v6]:port`), ready for Resolver.setServers or ScanDns. */
  server: string;
  /** The live zone: change it between queries to test answers that change. */
  zone: DnsZone;
  /** Every question received, in order. */
  queries: DnsQueryLog[];
  close(): Promise<void>;
}

const TYPE_CODES = { A: 1, AAAA: 28, TXT: 16 } as const;
const TYPE_NAMES: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 41: 'OPT', 255: 'ANY' };
const CLASS_IN = 1;
const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4 } as const;
const TTL_SECONDS = 60;
/** RFC 1035 limit for a UDP answer when the query did not offer a larger EDNS buffer. */
const CLASSIC_UDP_LIMIT = 512;

/**
 * A small authoritative DNS server over UDP for tests: answers A, AAAA and TXT from `zone`,
 * NXDOMAIN for names it does not know, NOERROR with no answers for known names without the type.
 */
export async function startDnsServer(opts: { host: string; port?: number; zone?: DnsZone }): Promise<LabDnsServer> {
  const zone: DnsZone = opts.zone ?? {};
  const queries: DnsQueryLog[] = [];
  const socket = dgram.createSocket(isIPv6(opts.host) ? 'udp6' : 'udp4');
  socket.on('message', (msg, rinfo) => {
    const reply = answer(msg, zone, queries);
    if (reply) socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(opts.port ?? 0, opts.host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const { address, port } = socket.address() as AddressInfo;
  return {
    address,
    port,
    server: isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`,
    zone,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** A parsed query: what the reply needs to echo and what it is about. */
export interface DnsQuestion {
  id: number;
  opcode: number;
  recursionDesired: boolean;
  name: string;
  type: number;
  qclass: number;
  /** The question section exactly as received (the reply echoes it byte for byte, case included). */
  raw: Buffer;
  /** The UDP payload size the client offered in an EDNS OPT record, if any. */
  ednsUdpSize: number | null;
}

/** Builds the reply to one datagram; null when it is not worth answering (too short, a response). */
export function answer(msg: Buffer, zone: DnsZone, log: DnsQueryLog[] = []): Buffer | null {
  if (msg.length < 12 || (msg[2]! & 0x80) !== 0) return null;
  let question: DnsQuestion;
  try {
    question = parseQuery(msg);
  } catch {
    return header(msg.readUInt16BE(0), 0, (msg[2]! & 0x01) !== 0, RCODE.FORMERR, 0, 0);
  }
  log.push({ name: question.name, type: TYPE_NAMES[question.type] ?? `TYPE${question.type}` });
  if (question.opcode !== 0) return reply(question, RCODE.NOTIMP, []);
  const entry = lookupName(zone, question.name);
  if (!entry) return reply(question, RCODE.NXDOMAIN, []);
  let records: RecordData[];
  try {
    records = question.qclass === CLASS_IN ? recordsOf(entry, question.type) : [];
  } catch {
    // A malformed zone entry (a test's mistake) answers SERVFAIL instead of crashing the server.
    return reply(question, RCODE.SERVFAIL, []);
  }
  const full = reply(question, RCODE.NOERROR, records);
  const limit = Math.max(CLASSIC_UDP_LIMIT, question.ednsUdpSize ?? 0);
  if (full.length <= limit) return full;
  // Too big for UDP: set TC with no answers, as servers do, so the client knows it was cut.
  const truncated = reply(question, RCODE.NOERROR, []);
  truncated.writeUInt8(truncated[2]! | 0x02, 2);
  return truncated;
}

/** Parses the header, the single question and any OPT record of a query. */
export function parseQuery(msg: Buffer): DnsQuestion {
  const id = msg.readUInt16BE(0);
  const flags = msg.readUInt16BE(2);
  const qdcount = msg.readUInt16BE(4);
  const ancount = msg.readUInt16BE(6);
  const nscount = msg.readUInt16BE(8);
  const arcount = msg.readUInt16BE(10);
  if (qdcount !== 1) throw new Error(`expected one question, got ${qdcount}`);
  const { name, end } = readName(msg, 12);
  if (end + 4 > msg.length) throw new Error('question is cut short');
  const type = msg.readUInt16BE(end);
  const qclass = msg.readUInt16BE(end + 2);
  let offset = end + 4;
  const raw = msg.subarray(12, offset);
  let ednsUdpSize: number | null = null;
  for (let i = 0; i < ancount + nscount + arcount; i++) {
    const rr = readName(msg, offset);
    if (rr.end + 10 > msg.length) throw new Error('record is cut short');
    const rrType = msg.readUInt16BE(rr.end);
    const rdlength = msg.readUInt16BE(rr.end + 8);
    if (rrType === 41) ednsUdpSize = msg.readUInt16BE(rr.end + 2);
    offset = rr.end + 10 + rdlength;
    if (offset > msg.length) throw new Error('record data is cut short');
  }
  return { id, opcode: (flags >> 11) & 0x0f, recursionDesired: (flags & 0x0100) !== 0, name, type, qclass, raw, ednsUdpSize };
}

/** Reads a (possibly compressed) domain name; returns it lower-cased without trailing dot. */
function readName(msg: Buffer, start: number): { name: string; end: number } {
  const labels: string[] = [];
  let offset = start;
  let end = -1;
  for (let jumps = 0; ; ) {
    if (offset >= msg.length) throw new Error('name runs past the message');
    const len = msg[offset]!;
    if (len === 0) {
      if (end < 0) end = offset + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (offset + 1 >= msg.length || ++jumps > 16) throw new Error('bad compression pointer');
      if (end < 0) end = offset + 2;
      offset = ((len & 0x3f) << 8) | msg[offset + 1]!;
      continue;
    }
    if ((len & 0xc0) !== 0) throw new Error('unsupported label type');
    if (offset + 1 + len > msg.length) throw new Error('label runs past the message');
    labels.push(msg.toString('latin1', offset + 1, offset + 1 + len));
    offset += 1 + len;
  }
  return { name: labels.join('.').toLowerCase(), end };
}

function lookupName(zone: DnsZone, name: string): DnsZoneEntry | undefined {
  for (const [key, entry] of Object.entries(zone)) {
    if (key.toLowerCase().replace(/\.$/, '') === name) return entry;
  }
  return undefined;
}

interface RecordData {
  type: number;
  rdata: Buffer;
}

function recordsOf(entry: DnsZoneEntry, type: number): RecordData[] {
  const out: RecordData[] = [];
  if (type === TYPE_CODES.A || type === 255) {
    for (const ip of entry.A ?? []) out.push({ type: TYPE_CODES.A, rdata: ipv4Bytes(ip) });
  }
  if (type === TYPE_CODES.AAAA || type === 255) {
    for (const ip of entry.AAAA ?? []) out.push({ type: TYPE_CODES.AAAA, rdata: ipv6Bytes(ip) });
  }
  if (type === TYPE_CODES.TXT || type === 255) {
    for (const txt of entry.TXT ?? []) out.push({ type: TYPE_CODES.TXT, rdata: txtBytes(txt) });
  }
  return out;
}

function ipv4Bytes(ip: string): Buffer {
  if (!isIPv4(ip)) throw new Error(`zone A record "${ip}" is not an IPv4 address`);
  return Buffer.from(ip.split('.').map(Number));
}

function ipv6Bytes(ip: string): Buffer {
  if (!isIPv6(ip)) throw new Error(`zone AAAA record "${ip}" is not an IPv6 address`);
  let text = ip;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4) {
    const b = ipv4Bytes(v4);
    text = text.slice(0, -v4.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : new Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  const groups = [...headGroups, ...zeros, ...tailGroups];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function txtBytes(txt: string | string[]): Buffer {
  const strings: Buffer[] = [];
  for (const part of Array.isArray(txt) ? txt : [txt]) {
    const bytes = Buffer.from(part, 'utf8');
    if (bytes.length === 0) strings.push(Buffer.alloc(0));
    for (let i = 0; i < bytes.length; i += 255) strings.push(bytes.subarray(i, i + 255));
  }
  return Buffer.concat(strings.map((s) => Buffer.concat([Buffer.from([s.length]), s])));
}

function header(id: number, opcode: number, rd: boolean, rcode: number, qdcount: number, ancount: number): Buffer {
  const out = Buffer.alloc(12);
  out.writeUInt16BE(id, 0);
  // QR=1 (response), AA=1 (we are the authority for the zone), RD echoed, RA=0.
  out.writeUInt16BE(0x8000 | (opcode << 11) | 0x0400 | (rd ? 0x0100 : 0) | rcode, 2);
  out.writeUInt16BE(qdcount, 4);
  out.writeUInt16BE(ancount, 6);
  return out;
}

function reply(q: DnsQuestion, rcode: number, records: RecordData[]): Buffer {
  const parts = [header(q.id, q.opcode, q.recursionDesired, rcode, 1, records.length), q.raw];
  for (const r of records) {
    const fixed = Buffer.alloc(12);
    fixed.writeUInt16BE(0xc00c, 0); // the owner name is the question's, at offset 12
    fixed.writeUInt16BE(r.type, 2);
    fixed.writeUInt16BE(CLASS_IN, 4);
    fixed.writeUInt32BE(TTL_SECONDS, 6);
    fixed.writeUInt16BE(r.rdata.length, 10);
    parts.push(fixed, r.rdata);
  }
  return Buffer.concat(parts);
}
