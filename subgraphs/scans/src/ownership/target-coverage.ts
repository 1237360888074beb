import { bigIntToIp, formatIp, ipToBigInt, parseIp } from '../../../../lib/net/ip.js';
import type { NormalizedTarget } from '../target/target.js';

/** What must be proven for a target: control of a host name, or an attestation of addresses. */
export type Subject = { kind: 'NAME'; name: string } | { kind: 'ADDRESSES'; cidr: string };

/** The one subject a normalized target needs proven (each target type names one host or range). */
export function subjectOf(target: NormalizedTarget): Subject {
  if (target.type === 'CIDR') return { kind: 'ADDRESSES', cidr: target.value };
  const host = target.hosts[0]!;
  if (host.ip) return { kind: 'ADDRESSES', cidr: toCidr(host.ip)! };
  return { kind: 'NAME', name: host.hostname };
}

/** A host and each parent domain of at least two labels: www.a.example.com → …, a.example.com, example.com. */
export function nameAndParents(name: string): string[] {
  const labels = name.split('.');
  const out: string[] = [];
  for (let i = 0; i <= labels.length - 2; i++) out.push(labels.slice(i).join('.'));
  return out;
}

/** Canonical CIDR of an address (`/32`, `/128`) or of a CIDR; null when it is neither. */
export function toCidr(value: string): string | null {
  const [address, prefixText, ...rest] = value.split('/');
  if (rest.length > 0) return null;
  const parsed = address && !address.includes('%') ? parseIp(address) : null;
  if (!parsed) return null;
  const bits = parsed.family === 4 ? 32 : 128;
  if (prefixText !== undefined && (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits)) return null;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  const shift = BigInt(bits - prefix);
  const network = bigIntToIp((ipToBigInt(parsed) >> shift) << shift, parsed.family);
  return `${formatIp(network)}/${prefix}`;
}

/** True when CIDR `outer` contains every address of CIDR `inner` (both canonical). */
export function cidrContains(outer: string, inner: string): boolean {
  const [oa, op] = outer.split('/') as [string, string];
  const [ia, ip] = inner.split('/') as [string, string];
  const o = parseIp(oa);
  const i = parseIp(ia);
  if (!o || !i || o.family !== i.family || Number(op) > Number(ip)) return false;
  const shift = BigInt((o.family === 4 ? 32 : 128) - Number(op));
  return ipToBigInt(o) >> shift === ipToBigInt(i) >> shift;
}

/** The part of a scan's authorisation record that says what it proved. */
export interface AuthorisationProof {
  evidenceKind: 'DOMAIN' | 'ATTESTATION';
  domain?: string | null;
  verificationMethod?: string | null;
  attestedTarget?: string | null;
}

/**
 * Whether an active scan's recorded proof covers a host the run resolved: the verified name (and,
 * for DNS proof, its subdomains), or addresses all inside the attested range. The worker asks this
 * per host before any active probe, so nothing beyond what was proven is probed.
 */
export function proofCovers(proof: AuthorisationProof, host: { hostname: string; addresses: string[] }): boolean {
  if (proof.evidenceKind === 'DOMAIN') {
    const domain = proof.domain?.toLowerCase();
    const name = host.hostname.toLowerCase().replace(/\.$/, '');
    if (!domain) return false;
    return name === domain || (proof.verificationMethod === 'DNS' && name.endsWith(`.${domain}`));
  }
  const range = proof.attestedTarget ? toCidr(proof.attestedTarget) : null;
  if (!range || host.addresses.length === 0) return false;
  return host.addresses.every((a) => {
    const single = toCidr(a);
    return single !== null && cidrContains(range, single);
  });
}
