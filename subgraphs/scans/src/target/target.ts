import { lookup } from 'node:dns/promises';
import { domainToASCII } from 'node:url';
import type { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { bigIntToIp, formatIp, ipToBigInt, parseIp, type ParsedIp } from '../../../../lib/net/ip.js';

export type TargetType = 'IP' | 'DOMAIN' | 'URL' | 'CIDR';

export const TARGET_TYPES: readonly TargetType[] = ['IP', 'DOMAIN', 'URL', 'CIDR'];

/** A target the caller gave us that we will not scan; `field` is 'target' or 'targetType'. */
export class TargetInputError extends Error {
  constructor(
    public readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'TargetInputError';
  }
}

/** One host to scan and the URLs the HTTP checks fetch from it, best first. */
export interface TargetHost {
  hostname: string;
  ip?: string;
  urls: string[];
}

/** A validated target in canonical form, expanded into the hosts it covers. */
export interface NormalizedTarget {
  type: TargetType;
  value: string;
  hosts: TargetHost[];
}

/** Turns a hostname into its addresses. Tests inject a fake; production uses the system's. */
export type Resolver = (hostname: string) => Promise<string[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export const MAX_TARGET_LENGTH = 2048;
const DEFAULT_MAX_CIDR_HOSTS = 256;

function fail(message: string): never {
  throw new TargetInputError('target', message);
}

/** Validates and canonicalises a scan target; every refusal is a {@link TargetInputError}. */
export function normalizeTarget(
  raw: string,
  type: TargetType,
  opts: { maxCidrHosts?: number } = {},
): NormalizedTarget {
  if (!TARGET_TYPES.includes(type)) {
    throw new TargetInputError('targetType', `targetType must be one of ${TARGET_TYPES.join(', ')}`);
  }
  const input = typeof raw === 'string' ? raw.trim() : '';
  if (input === '') fail('target is required');
  if (input.length > MAX_TARGET_LENGTH) fail(`target is longer than ${MAX_TARGET_LENGTH} characters`);
  if (/[\s\u0000-\u001f\u007f-\u009f]/u.test(input)) {
    fail('target must not contain whitespace or control characters');
  }
  switch (type) {
    case 'DOMAIN':
      return normalizeDomainTarget(input);
    case 'IP':
      return normalizeIpTarget(input);
    case 'URL':
      return normalizeUrlTarget(input);
    case 'CIDR':
      return normalizeCidrTarget(input, opts.maxCidrHosts ?? DEFAULT_MAX_CIDR_HOSTS);
  }
}

function webUrls(host: string): string[] {
  return [`https://${host}/`, `http://${host}/`];
}

/** Brackets IPv6 literals for use in a URL authority. */
function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function normalizeDomainTarget(input: string): NormalizedTarget {
  if (parseIp(input) || /^\[.*\]$/.test(input)) fail(`"${input}" is an IP address; use target type IP`);
  const domain = normalizeDomain(input);
  return { type: 'DOMAIN', value: domain, hosts: [{ hostname: domain, urls: webUrls(domain) }] };
}

/** Lower-cases, converts IDN to punycode, strips one trailing dot and checks LDH syntax. */
export function normalizeDomain(input: string): string {
  const stripped = input.endsWith('.') ? input.slice(0, -1) : input;
  const ascii = domainToASCII(stripped);
  if (!ascii) fail(`"${input}" is not a valid domain name`);
  if (ascii.length > 253) fail(`domain "${ascii}" is longer than 253 characters`);
  const labels = ascii.split('.');
  if (labels.length < 2) fail(`domain "${ascii}" must contain a dot (e.g. example.com)`);
  for (const label of labels) {
    if (label.length === 0 || label.length > 63) {
      fail(`domain "${ascii}" has an empty label or one longer than 63 characters`);
    }
    if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(label)) {
      fail(`domain "${ascii}" has an invalid label "${label}" (letters, digits and inner hyphens only)`);
    }
  }
  // A numeric last label makes URL parsers read the name as an IPv4 address (0x7f.1, 127.1).
  if (/^(?:\d+|0x[0-9a-f]*)$/.test(labels[labels.length - 1]!)) {
    fail(`"${input}" looks like an IP address, not a domain name`);
  }
  return ascii;
}

function normalizeIpTarget(input: string): NormalizedTarget {
  const parsed = input.includes('%') ? null : parseIp(input);
  if (!parsed) return fail(`"${input}" is not a valid IPv4 or IPv6 address`);
  const ip = formatIp(parsed);
  return { type: 'IP', value: ip, hosts: [{ hostname: ip, ip, urls: webUrls(urlHost(ip)) }] };
}

function normalizeUrlTarget(input: string): NormalizedTarget {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(input)?.[1]?.toLowerCase();
  if (!scheme) fail(`"${input}" is not an absolute URL (expected http:// or https://)`);
  if (scheme !== 'http' && scheme !== 'https') {
    fail(`URL scheme "${scheme}" is not supported; use http or https`);
  }
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return fail(`"${input}" is not a valid URL`);
  }
  if (url.username !== '' || url.password !== '') fail('URL must not contain credentials');
  if (url.hostname === '') fail('URL must have a host');
  url.hash = '';
  let hostname: string;
  let ip: string | undefined;
  const literal = parseIp(url.hostname.replace(/^\[(.*)\]$/, '$1'));
  if (literal) {
    ip = hostname = formatIp(literal);
    url.hostname = urlHost(ip);
  } else {
    hostname = normalizeDomain(url.hostname);
    url.hostname = hostname;
  }
  const value = url.href;
  return { type: 'URL', value, hosts: [{ hostname, ...(ip ? { ip } : {}), urls: [value] }] };
}

function normalizeCidrTarget(input: string, maxHosts: number): NormalizedTarget {
  const [address, prefixText, ...extra] = input.split('/');
  if (prefixText === undefined || extra.length > 0) {
    fail(`"${input}" is not a CIDR; expected an address and prefix such as 192.0.2.0/24`);
  }
  const parsed = address!.includes('%') ? null : parseIp(address!);
  if (!parsed) return fail(`"${address}" in CIDR "${input}" is not a valid IPv4 or IPv6 address`);
  const bits = parsed.family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText!) || Number(prefixText) > bits) {
    fail(`prefix "/${prefixText}" in CIDR "${input}" must be a number from 0 to ${bits}`);
  }
  const prefix = Number(prefixText);
  const size = 1n << BigInt(bits - prefix);
  const network = bigIntToIp((ipToBigInt(parsed) >> BigInt(bits - prefix)) << BigInt(bits - prefix), parsed.family);
  const value = `${formatIp(network)}/${prefix}`;
  if (size > BigInt(maxHosts)) {
    const smallest = bits - Math.floor(Math.log2(Math.max(1, maxHosts)));
    fail(`CIDR ${value} has ${size} addresses; the limit is ${maxHosts} (/${smallest})`);
  }
  return { type: 'CIDR', value, hosts: cidrHosts(network, size, prefix) };
}

function cidrHosts(network: ParsedIp, size: bigint, prefix: number): TargetHost[] {
  const start = ipToBigInt(network);
  // IPv4 network and broadcast addresses are not hosts, except in /31 and /32 (RFC 3021).
  const skipEnds = network.family === 4 && prefix < 31;
  const first = skipEnds ? start + 1n : start;
  const last = skipEnds ? start + size - 2n : start + size - 1n;
  const hosts: TargetHost[] = [];
  for (let value = first; value <= last; value++) {
    const ip = formatIp(bigIntToIp(value, network.family));
    hosts.push({ hostname: ip, ip, urls: webUrls(urlHost(ip)) });
  }
  return hosts;
}

/**
 * Resolves every host once and checks every address with the policy, so a name with one
 * private address among public ones is refused. Returns hostname → checked addresses.
 */
export async function checkTargetAddresses(
  target: NormalizedTarget,
  policy: AddressPolicy,
  resolve: Resolver = systemResolver,
): Promise<Map<string, string[]>> {
  const checked = new Map<string, string[]>();
  for (const host of target.hosts) {
    if (checked.has(host.hostname)) continue;
    const addresses = host.ip ? [host.ip] : await resolveOrFail(host.hostname, resolve);
    for (const address of addresses) {
      const verdict = policy.check(address);
      if (!verdict.allowed) {
        const prefix = host.ip ? '' : `${host.hostname} resolves to ${address}: `;
        throw new TargetInputError('target', prefix + verdict.reason);
      }
    }
    checked.set(host.hostname, addresses);
  }
  return checked;
}

async function resolveOrFail(hostname: string, resolve: Resolver): Promise<string[]> {
  let addresses: string[];
  try {
    addresses = await resolve(hostname);
  } catch {
    return fail(`could not resolve ${hostname}`);
  }
  if (addresses.length === 0) fail(`could not resolve ${hostname}`);
  return addresses;
}
