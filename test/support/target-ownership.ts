import type { DnsZone } from '../lab/dns-server.js';

/** What the lab's active scans are authorised with (Fix First's `authorised`, `authorised_by`). */
export const LAB_AUTHORISATION = { authorised: true, authorisedBy: 'fixfirst test suite', statement: 'The lab runs on loopback addresses of this machine and is ours to test.' };

async function call(gatewayUrl: string, apiKey: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const res = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(`${query.slice(0, 40)}…: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/**
 * Proves control of a lab domain the way a customer would: adds it, publishes its token as the
 * TXT record in the lab's DNS zone, and verifies it by DNS (which also covers its subdomains).
 */
export async function verifyLabDomain(gatewayUrl: string, apiKey: string, zone: DnsZone, domain: string): Promise<void> {
  const added = (await call(gatewayUrl, apiKey, `mutation($i: AddDomainInput!) { addDomain(input: $i) { id instructions { dnsRecordName dnsRecordValue } } }`, { i: { domain } })).addDomain;
  zone[added.instructions.dnsRecordName] = { TXT: [added.instructions.dnsRecordValue] };
  const result = (await call(gatewayUrl, apiKey, `mutation($id: ID!) { verifyDomain(id: $id, method: DNS) { verified reason } }`, { id: added.id })).verifyDomain;
  if (!result.verified) throw new Error(`could not verify ${domain}: ${result.reason}`);
}

/** Attests a lab address or range (addresses cannot be verified by DNS). */
export async function attestLabTarget(gatewayUrl: string, apiKey: string, target: string): Promise<void> {
  await call(gatewayUrl, apiKey, `mutation($i: AttestTargetInput!) { attestTarget(input: $i) { id } }`, { i: { target, statement: LAB_AUTHORISATION.statement } });
}
