import { isIP } from 'node:net';

/** Address bytes plus family; the one representation the policy and target code share. */
export interface ParsedIp {
  family: 4 | 6;
  bytes: Uint8Array;
}

/** Drops an IPv6 zone index (`fe80::1%eth0`): the policy judges the address, not the interface. */
export function stripZone(ip: string): string {
  const pct = ip.indexOf('%');
  return pct === -1 ? ip : ip.slice(0, pct);
}

/** Parses a literal that `net.isIP` accepts into bytes; returns null for anything else. */
export function parseIp(raw: string): ParsedIp | null {
  const ip = stripZone(raw);
  const family = isIP(ip);
  if (family === 4) return { family: 4, bytes: Uint8Array.from(ip.split('.').map(Number)) };
  if (family !== 6) return null;
  const bytes = new Uint8Array(16);
  let text = ip.toLowerCase();
  // Rewrite an embedded dotted quad (`::ffff:1.2.3.4`) as the two hex groups it stands for.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a, b, c, d] = tail.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const gap = text.indexOf('::');
  const groups =
    gap === -1
      ? parse(text)
      : (() => {
          const head = parse(text.slice(0, gap));
          const rest = parse(text.slice(gap + 2));
          return [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
        })();
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return { family: 6, bytes };
}

/** RFC 5952 text: lower case, no leading zeros, longest zero run (≥2 groups) compressed. */
export function formatIp(ip: ParsedIp): string {
  const b = ip.bytes;
  if (ip.family === 4) return Array.from(b).join('.');
  if (isV4Mapped(ip)) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  const groups = Array.from({ length: 8 }, (_, i) => (b[i * 2]! << 8) | b[i * 2 + 1]!);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Canonical text of an IP literal, or null when it is not one. */
export function canonicalIp(raw: string): string | null {
  const parsed = parseIp(raw);
  return parsed ? formatIp(parsed) : null;
}

/** True for ::ffff:a.b.c.d, which the network stack treats as the IPv4 address a.b.c.d. */
export function isV4Mapped(ip: ParsedIp): boolean {
  if (ip.family !== 6) return false;
  for (let i = 0; i < 10; i++) if (ip.bytes[i] !== 0) return false;
  return ip.bytes[10] === 0xff && ip.bytes[11] === 0xff;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address. */
export function embeddedV4(ip: ParsedIp): ParsedIp {
  return { family: 4, bytes: ip.bytes.slice(12) };
}

/** The address as an unsigned big integer, for CIDR arithmetic. */
export function ipToBigInt(ip: ParsedIp): bigint {
  return ip.bytes.reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
}

/** Inverse of {@link ipToBigInt}. */
export function bigIntToIp(value: bigint, family: 4 | 6): ParsedIp {
  const len = family === 4 ? 4 : 16;
  const bytes = new Uint8Array(len);
  let v = value;
  for (let i = len - 1; i >= 0; i--) {
    bytes[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return { family, bytes };
}
