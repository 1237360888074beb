import { BlockList } from 'node:net';
import { embeddedV4, formatIp, isV4Mapped, parseIp, type ParsedIp } from './ip.js';

/** Result of judging one address. */
export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

type Family = 'ipv4' | 'ipv6';

/** Ranges refused by default, each with the phrase the refusal reason uses. */
const REFUSED: { family: Family; cidr: string; is: string }[] = [
  { family: 'ipv4', cidr: '0.0.0.0/8', is: 'an unspecified ("this network") address' },
  { family: 'ipv4', cidr: '10.0.0.0/8', is: 'a private address' },
  { family: 'ipv4', cidr: '100.64.0.0/10', is: 'a carrier-grade NAT (shared) address' },
  { family: 'ipv4', cidr: '127.0.0.0/8', is: 'a loopback address' },
  { family: 'ipv4', cidr: '169.254.0.0/16', is: 'a link-local (cloud metadata) address' },
  { family: 'ipv4', cidr: '172.16.0.0/12', is: 'a private address' },
  { family: 'ipv4', cidr: '192.0.0.0/24', is: 'an IETF protocol assignment address' },
  { family: 'ipv4', cidr: '192.0.2.0/24', is: 'a documentation address' },
  { family: 'ipv4', cidr: '192.88.99.0/24', is: 'a 6to4 relay anycast address' },
  { family: 'ipv4', cidr: '192.168.0.0/16', is: 'a private address' },
  { family: 'ipv4', cidr: '198.18.0.0/15', is: 'a benchmarking address' },
  { family: 'ipv4', cidr: '198.51.100.0/24', is: 'a documentation address' },
  { family: 'ipv4', cidr: '203.0.113.0/24', is: 'a documentation address' },
  { family: 'ipv4', cidr: '224.0.0.0/4', is: 'a multicast address' },
  { family: 'ipv4', cidr: '255.255.255.255/32', is: 'the broadcast address' },
  { family: 'ipv4', cidr: '240.0.0.0/4', is: 'a reserved address' },
  { family: 'ipv6', cidr: '::/128', is: 'the unspecified address' },
  { family: 'ipv6', cidr: '::1/128', is: 'a loopback address' },
  { family: 'ipv6', cidr: '64:ff9b::/96', is: 'a NAT64 address' },
  { family: 'ipv6', cidr: '100::/64', is: 'a discard-only address' },
  { family: 'ipv6', cidr: '2001:db8::/32', is: 'a documentation address' },
  { family: 'ipv6', cidr: '2001::/23', is: 'an IETF special-purpose address' },
  { family: 'ipv6', cidr: 'fc00::/7', is: 'a unique local (private) address' },
  { family: 'ipv6', cidr: 'fe80::/10', is: 'a link-local address' },
  { family: 'ipv6', cidr: 'ff00::/8', is: 'a multicast address' },
];

const REFUSED_LISTS = REFUSED.map((range) => {
  const list = new BlockList();
  const [net, prefix] = range.cidr.split('/') as [string, string];
  list.addSubnet(net, Number(prefix), range.family);
  return { family: range.family, is: range.is, list };
});

// Public unicast IPv6 lives in 2000::/3; anything else (reserved, site-local...) is refused too.
const V6_GLOBAL_UNICAST = new BlockList();
V6_GLOBAL_UNICAST.addSubnet('2000::', 3, 'ipv6');

const POLICY_NAME = 'the scan policy (SCAN_ALLOW_CIDRS)';

/**
 * Decides which addresses the scanner (and outbound webhooks) may connect to: public unicast
 * only, plus whatever the operator lists in SCAN_ALLOW_CIDRS.
 */
export class AddressPolicy {
  // One list per family: a BlockList maps IPv4 onto ::ffff:0:0/96, so ::/0 would allow all IPv4.
  private readonly allow = { ipv4: new BlockList(), ipv6: new BlockList() };
  private readonly entries: string[];

  constructor(allowCidrs: string[]) {
    this.entries = allowCidrs.map((entry) => entry.trim()).filter((entry) => entry !== '');
    for (const entry of this.entries) this.addAllowed(entry);
  }

  /** Parses a comma- or space-separated list of CIDRs or single IPs (empty means none). */
  static parse(csv: string | undefined): AddressPolicy {
    return new AddressPolicy((csv ?? '').split(/[\s,]+/));
  }

  /** Judges one address; IPv4-mapped IPv6 is judged as the IPv4 address it carries. */
  check(ip: string): AddressVerdict {
    const parsed = parseIp(ip);
    if (!parsed) {
      return { allowed: false, reason: `"${ip}" is not an IP address and is not allowed by ${POLICY_NAME}` };
    }
    const judged = isV4Mapped(parsed) ? embeddedV4(parsed) : parsed;
    const text = formatIp(judged);
    const family: Family = judged.family === 4 ? 'ipv4' : 'ipv6';
    if (this.allow[family].check(text, family)) return { allowed: true };
    const category = categoryOf(text, family);
    if (!category) return { allowed: true };
    const shown = judged === parsed ? text : `${formatIp(parsed)} (IPv4 ${text})`;
    return { allowed: false, reason: `${shown} is ${category} and is not allowed by ${POLICY_NAME}` };
  }

  /** The allow list as configured, for logs and error messages. */
  describe(): string[] {
    return [...this.entries];
  }

  private addAllowed(entry: string): void {
    const parts = entry.split('/');
    const parsed = parts.length <= 2 && !parts[0]!.includes('%') ? parseIp(parts[0]!) : null;
    if (!parsed) throw invalidEntry(entry, 'expected an IP address or CIDR such as 127.0.0.0/8');
    const bits = parsed.family === 4 ? 32 : 128;
    let prefix = bits;
    if (parts.length === 2) {
      if (!/^\d{1,3}$/.test(parts[1]!) || Number(parts[1]) > bits) {
        throw invalidEntry(entry, `prefix length must be a number from 0 to ${bits}`);
      }
      prefix = Number(parts[1]);
    }
    // ::ffff:a.b.c.d/n with n ≥ 96 is an IPv4 range in disguise; check() judges it as IPv4.
    if (isV4Mapped(parsed) && prefix >= 96) {
      this.addRange(embeddedV4(parsed), prefix - 96);
    } else {
      this.addRange(parsed, prefix);
    }
  }

  private addRange(ip: ParsedIp, prefix: number): void {
    const family: Family = ip.family === 4 ? 'ipv4' : 'ipv6';
    this.allow[family].addSubnet(formatIp(ip), prefix, family);
  }
}

function categoryOf(text: string, family: Family): string | null {
  for (const range of REFUSED_LISTS) {
    if (range.family === family && range.list.check(text, family)) return range.is;
  }
  if (family === 'ipv6' && !V6_GLOBAL_UNICAST.check(text, 'ipv6')) {
    return 'not a global unicast address (outside 2000::/3)';
  }
  return null;
}

function invalidEntry(entry: string, detail: string): Error {
  return new Error(`Invalid SCAN_ALLOW_CIDRS entry "${entry}": ${detail}`);
}
