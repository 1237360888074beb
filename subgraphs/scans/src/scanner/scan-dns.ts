import { lookup, Resolver as DnsResolver } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * DNS as the scanner sees it. With `servers` (DNS_SERVERS, e.g. `127.0.0.53:5353`) every query goes
 * to those servers, so a test can run its own DNS server on loopback; without, addresses come from
 * the system resolver and TXT records from the system's configured servers.
 */
export class ScanDns {
  private readonly resolver: DnsResolver | null;

  constructor(
    servers: string[] = [],
    private readonly timeoutMs = 5_000,
  ) {
    if (servers.length === 0) {
      this.resolver = null;
    } else {
      this.resolver = new DnsResolver({ timeout: Math.min(timeoutMs, 5_000), tries: 2 });
      this.resolver.setServers(servers);
    }
  }

  /** Parses DNS_SERVERS: comma- or space-separated `ip` or `ip:port` (`[v6]:port`). */
  static fromEnv(value: string | undefined): ScanDns {
    const servers = (value ?? '').split(/[\s,]+/).filter(Boolean);
    for (const s of servers) {
      let host = s;
      let port: string | undefined;
      if (s.startsWith('[')) {
        host = s.slice(1, s.indexOf(']'));
        port = s.slice(s.indexOf(']') + 1).replace(/^:/, '') || undefined;
      } else if (!isIP(s) && s.includes(':')) {
        host = s.slice(0, s.lastIndexOf(':'));
        port = s.slice(s.lastIndexOf(':') + 1);
      }
      const portOk = port === undefined || (/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535);
      if (!isIP(host) || !portOk) throw new Error(`Invalid DNS_SERVERS entry "${s}": expected an IP address, optionally with :port`);
    }
    return new ScanDns(servers);
  }

  /** Every A and AAAA address of a name (IPv4 first). Throws if the name has none. */
  async addresses(hostname: string): Promise<string[]> {
    if (!this.resolver) {
      return (await lookup(hostname, { all: true, verbatim: true })).map((e) => e.address);
    }
    const [v4, v6] = await Promise.allSettled([this.resolver.resolve4(hostname), this.resolver.resolve6(hostname)]);
    const found = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
    if (found.length === 0) {
      const reason = v4.status === 'rejected' ? (v4.reason as Error) : new Error(`${hostname} has no addresses`);
      throw reason;
    }
    return found;
  }

  /** TXT records of a name, each joined from its strings; [] when the name has none. */
  async txt(name: string): Promise<string[]> {
    try {
      const records = await (this.resolver ?? defaultResolver()).resolveTxt(name);
      return records.map((parts) => parts.join(''));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENODATA' || code === 'ENOTFOUND') return [];
      throw err;
    }
  }

  /** The resolver function the target checks and the HTTP client use. */
  get resolve(): (hostname: string) => Promise<string[]> {
    return (hostname) => this.addresses(hostname);
  }
}

let systemResolver: DnsResolver | null = null;
function defaultResolver(): DnsResolver {
  return (systemResolver ??= new DnsResolver({ timeout: 5_000, tries: 2 }));
}
