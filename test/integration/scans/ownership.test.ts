import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../../lib/auth/identity.js';
import { SCOPES } from '../../../lib/auth/tenant.js';
import { openModuleOrm, type MikroORM } from '../../../lib/db/orm.js';
import { AddressPolicy } from '../../../lib/net/address-policy.js';
import { ClientService, clientsDb } from '../../../subgraphs/clients/src/module.js';
import { scansDb } from '../../../subgraphs/scans/src/module.js';
import { ActiveAuthorisationService, DEFAULT_AUTHORISATION_STATEMENT } from '../../../subgraphs/scans/src/ownership/active-authorisation.service.js';
import { ActiveScanRefusedError } from '../../../subgraphs/scans/src/ownership/active-scan-refused.error.js';
import { DomainVerifier, WELL_KNOWN_PATH } from '../../../subgraphs/scans/src/ownership/domain-verifier.js';
import type { OwnershipConfig } from '../../../subgraphs/scans/src/ownership/ownership.env.js';
import { OwnershipService } from '../../../subgraphs/scans/src/ownership/ownership.service.js';
import { ScanDns } from '../../../subgraphs/scans/src/scanner/scan-dns.js';
import { normalizeTarget, type TargetType } from '../../../subgraphs/scans/src/target/target.js';
import { seedClientWithKey, seedTenant } from '../../factories/tenant.js';
import { startDnsServer, type LabDnsServer } from '../../lab/dns-server.js';
import { createTestDatabase } from '../../support/database.js';

const ADDRESS = '127.0.0.63';
const policy = AddressPolicy.parse('127.0.0.0/8');

describe('target ownership and active-scan authorisation', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let scansOrm: MikroORM;
  let clientsOrm: MikroORM;
  let dns: LabDnsServer;
  let web: http.Server;
  let port = 0;
  /** Host name → body of its well-known file (absent: 404). */
  const files = new Map<string, string>();
  const fileRequests: string[] = [];
  let config: OwnershipConfig;
  let httpsOnly: OwnershipConfig;
  let account: { accountId: string; defaultClientId: string };
  let otherClientId: string;

  beforeAll(async () => {
    db = await createTestDatabase('ownership');
    scansOrm = await openModuleOrm(scansDb, { url: db.url, poolMax: 4 });
    clientsOrm = await openModuleOrm(clientsDb, { url: db.url, poolMax: 2 });
    dns = await startDnsServer({ host: ADDRESS, zone: { 'owned.test': { A: [ADDRESS] }, 'www.owned.test': { A: [ADDRESS] }, 'moved.test': { A: [ADDRESS] } } });
    web = http.createServer((req, res) => {
      const host = (req.headers.host ?? '').replace(/:\d+$/, '');
      fileRequests.push(`${host}${req.url}`);
      const body = req.url === WELL_KNOWN_PATH ? files.get(host) : undefined;
      // A host that sends the checker to another host's file: that must not count for it.
      if (host === 'moved.test') return void res.writeHead(302, { location: `http://www.owned.test:${port}${WELL_KNOWN_PATH}` }).end();
      if (body === undefined) return void res.writeHead(404).end('not found');
      res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
    });
    await new Promise<void>((resolve) => web.listen(0, ADDRESS, resolve));
    port = (web.address() as AddressInfo).port;
    const scanDns = new ScanDns([dns.server], 2_000);
    const verifierOpts = { txt: (name: string) => scanDns.txt(name), policy, resolve: scanDns.resolve, timeoutMs: 2_000 };
    // Nothing listens on the https port: the check falls back to http only where allowed.
    const ports = { http: port, https: port + 1 === 65536 ? port - 1 : port + 1 };
    const settings = { validDays: 30, recheckHours: 24 };
    config = { verifier: new DomainVerifier({ ...verifierOpts, allowHttp: true, ports }), settings };
    httpsOnly = { verifier: new DomainVerifier({ ...verifierOpts, allowHttp: false, ports }), settings };
    account = await seedTenant(db.url);
    otherClientId = (await seedClientWithKey(db.url, account.accountId, 'Other Co')).clientId;
  });
  afterAll(async () => {
    web?.closeAllConnections();
    await new Promise((r) => web?.close(r));
    await dns?.close();
    await clientsOrm?.close();
    await scansOrm?.close();
    await db?.drop();
  });

  function identity(accountId = account.accountId, clientId: string | null = null): Identity {
    return { accountId, clientId, scopes: [...SCOPES], credentialId: randomUUID(), credentialHash: '', sourceIp: '127.0.0.9', userAgent: 'ownership-test/1.0' };
  }
  function ownership(who = identity(), cfg = config): OwnershipService {
    const tenant = { accountId: who.accountId, clientId: who.clientId };
    return new OwnershipService(who, { em: scansOrm.em.fork(), clients: new ClientService(clientsOrm.em.fork(), tenant), policy, maxCidrHosts: 256, ownership: cfg });
  }
  function authorise(clientId: string, target: string, type: TargetType, now?: Date, who = identity()) {
    const gate = new ActiveAuthorisationService(who, scansOrm.em.fork(), config);
    return gate.authorise(clientId, normalizeTarget(target, type), { source: 'REQUEST', authorised: true, authorisedBy: 'Jane Roe' }, now);
  }
  async function refusal(promise: Promise<unknown>): Promise<{ reason: string; message: string }> {
    const err = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ActiveScanRefusedError);
    const refused = err as ActiveScanRefusedError;
    expect(refused.extensions.code).toBe('FORBIDDEN');
    return { reason: refused.reason, message: refused.message };
  }

  it('verifies a domain by its DNS TXT record, and that covers the domain and its subdomains', async () => {
    const added = await ownership().addDomain({ domain: 'Owned.Test.' });
    expect(added.domain).toBe('owned.test');
    expect(added.token).toMatch(/^[0-9a-f]{40}$/);
    expect((await ownership().addDomain({ domain: 'owned.test' })).token).toBe(added.token);
    const before = await ownership().verifyDomain(added.id, 'DNS');
    expect(before).toMatchObject({ verified: false });
    expect(before.reason).toMatch(/no TXT record "fixfirst-verification=…" found at _fixfirst\.owned\.test/);
    dns.zone['_fixfirst.owned.test'] = { TXT: ['v=spf1 -all', `fixfirst-verification=${added.token}`] };
    const after = await ownership().verifyDomain(added.id, 'DNS');
    expect(after).toMatchObject({ verified: true, reason: null, domain: { method: 'DNS', lastError: null } });
    expect(after.domain.expiresAt!.getTime() - after.domain.verifiedAt!.getTime()).toBe(30 * 86_400_000);
    expect(dns.queries).toContainEqual({ name: '_fixfirst.owned.test', type: 'TXT' });

    const record = await authorise(account.defaultClientId, 'http://www.owned.test/login', 'URL');
    expect(record).toMatchObject({
      evidenceKind: 'DOMAIN',
      domainId: added.id,
      domain: 'owned.test',
      verificationMethod: 'DNS',
      authorised: true,
      authorisedBy: 'Jane Roe',
      statement: DEFAULT_AUTHORISATION_STATEMENT,
      sourceIp: '127.0.0.9',
      userAgent: 'ownership-test/1.0',
      target: 'http://www.owned.test/login',
    });
  });

  it('verifies by the HTTP well-known file, which covers that host only, and never follows a redirect', async () => {
    const added = await ownership().addDomain({ domain: 'www.owned.test', clientId: otherClientId });
    files.set('www.owned.test', `someone-else\n${added.token}\n`);
    const strict = await ownership(identity(), httpsOnly).verifyDomain(added.id, 'HTTP');
    expect(strict.verified).toBe(false);
    expect(strict.reason).toMatch(/^https:\/\/www\.owned\.test:\d+\/\.well-known\/fixfirst-verification\.txt: .*ECONNREFUSED.*plain http is not accepted/);
    const result = await ownership().verifyDomain(added.id, 'HTTP');
    expect(result).toMatchObject({ verified: true, domain: { method: 'HTTP' } });
    expect(fileRequests).toContain(`www.owned.test${WELL_KNOWN_PATH}`);
    expect((await authorise(otherClientId, 'www.owned.test', 'DOMAIN')).verificationMethod).toBe('HTTP');
    const moved = await ownership().addDomain({ domain: 'moved.test', clientId: otherClientId });
    const redirected = await ownership().verifyDomain(moved.id, 'HTTP');
    expect(redirected.verified).toBe(false);
    expect(redirected.reason).toMatch(/answered 302; redirects are not followed/);
    const sub = await refusal(authorise(otherClientId, 'api.www.owned.test', 'DOMAIN'));
    expect(sub).toMatchObject({ reason: 'TARGET_UNVERIFIED' });
    expect(sub.message).toMatch(/www\.owned\.test was verified by its HTTP file, which covers that host only/);
  });

  it("refuses a forged token, another client's token and another domain's token", async () => {
    const mine = await ownership().addDomain({ domain: 'forged.test' });
    const theirs = await ownership().addDomain({ domain: 'forged.test', clientId: otherClientId });
    const elsewhere = await ownership().addDomain({ domain: 'elsewhere.test' });
    expect(new Set([mine.token, theirs.token, elsewhere.token]).size).toBe(3);
    dns.zone['forged.test'] = { A: [ADDRESS] };
    for (const published of [mine.token.replace(/.$/, (c) => (c === '0' ? '1' : '0')), theirs.token, elsewhere.token]) {
      dns.zone['_fixfirst.forged.test'] = { TXT: [`fixfirst-verification=${published}`] };
      files.set('forged.test', published);
      for (const method of ['DNS', 'HTTP'] as const) {
        const r = await ownership().verifyDomain(mine.id, method);
        expect(r.verified, `${method} with ${published === theirs.token ? "another client's" : 'a wrong'} token`).toBe(false);
        // Whatever was published there is not repeated back.
        expect(r.reason).not.toContain(published);
      }
    }
    expect((await refusal(authorise(account.defaultClientId, 'forged.test', 'DOMAIN'))).reason).toBe('TARGET_UNVERIFIED');
    // The other client's own token verifies its own row only.
    files.set('forged.test', theirs.token);
    expect((await ownership().verifyDomain(theirs.id, 'HTTP')).verified).toBe(true);
    expect((await refusal(authorise(account.defaultClientId, 'forged.test', 'DOMAIN'))).message).toMatch(/forged\.test is added but not verified \(last check: HTTP: /);
  });

  it('refuses an expired verification, and re-checks a stale one before relying on it', async () => {
    const added = await ownership().addDomain({ domain: 'stale.test' });
    dns.zone['stale.test'] = { A: [ADDRESS] };
    dns.zone['_fixfirst.stale.test'] = { TXT: [`fixfirst-verification=${added.token}`] };
    expect((await ownership().verifyDomain(added.id, 'DNS')).verified).toBe(true);
    const day = 86_400_000;
    const expired = await refusal(authorise(account.defaultClientId, 'stale.test', 'DOMAIN', new Date(Date.now() + 31 * day)));
    expect(expired.reason).toBe('VERIFICATION_EXPIRED');
    expect(expired.message).toMatch(/The verification of stale\.test expired on .* call verifyDomain/);

    // Two days on, the proof is stale: it is checked again, and while the record stands the scan may run.
    const queriesBefore = dns.queries.filter((q) => q.name === '_fixfirst.stale.test').length;
    const later = new Date(Date.now() + 2 * day);
    const rechecked = await authorise(account.defaultClientId, 'stale.test', 'DOMAIN', later);
    expect(rechecked.verifiedAt).toEqual(later);
    expect(dns.queries.filter((q) => q.name === '_fixfirst.stale.test').length).toBe(queriesBefore + 1);
    // Fresh now: no new lookup.
    await authorise(account.defaultClientId, 'stale.test', 'DOMAIN', new Date(later.getTime() + 3_600_000));
    expect(dns.queries.filter((q) => q.name === '_fixfirst.stale.test').length).toBe(queriesBefore + 1);

    delete dns.zone['_fixfirst.stale.test'];
    const failed = await refusal(authorise(account.defaultClientId, 'stale.test', 'DOMAIN', new Date(later.getTime() + 2 * day)));
    expect(failed.reason).toBe('VERIFICATION_FAILED');
    expect(failed.message).toMatch(/failed for stale\.test \(DNS\): no TXT record .* no longer verified/);
    const [row] = (await ownership().domains(account.defaultClientId)).filter((d) => d.id === added.id);
    expect(row).toMatchObject({ verifiedAt: null, method: null });
    expect(row!.lastError).toMatch(/^DNS: no TXT record/);
  });

  it('refuses a removed domain, and its id is then unknown', async () => {
    const added = await ownership().addDomain({ domain: 'removed.test' });
    dns.zone['removed.test'] = { A: [ADDRESS] };
    dns.zone['_fixfirst.removed.test'] = { TXT: [`fixfirst-verification=${added.token}`] };
    expect((await ownership().verifyDomain(added.id, 'DNS')).verified).toBe(true);
    await authorise(account.defaultClientId, 'removed.test', 'DOMAIN');
    expect(await ownership().removeDomain(added.id)).toBe(true);
    expect((await refusal(authorise(account.defaultClientId, 'removed.test', 'DOMAIN'))).reason).toBe('TARGET_UNVERIFIED');
    await expect(ownership().verifyDomain(added.id, 'DNS')).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    // Added again, it gets a new token: the old record no longer proves anything.
    const again = await ownership().addDomain({ domain: 'removed.test' });
    expect(again.token).not.toBe(added.token);
    expect((await ownership().verifyDomain(again.id, 'DNS')).verified).toBe(false);
  });

  it("keeps tenants apart: another account's domain is not found and its client cannot be named", async () => {
    const stranger = await seedTenant(db.url);
    const theirs = await ownership(identity(stranger.accountId)).addDomain({ domain: 'owned.test' });
    await expect(ownership().verifyDomain(theirs.id, 'DNS')).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(ownership().removeDomain(theirs.id)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(ownership().addDomain({ domain: 'x.test', clientId: stranger.defaultClientId })).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect((await ownership().domains()).map((d) => d.id)).not.toContain(theirs.id);
    // A client-scoped credential sees its own client's domains only.
    const narrowed = (await ownership(identity(account.accountId, otherClientId)).domains()).map((d) => d.clientId);
    expect(narrowed.length).toBeGreaterThan(0);
    expect(new Set(narrowed)).toEqual(new Set([otherClientId]));
    expect(await ownership(identity(account.accountId, otherClientId)).domains(account.defaultClientId)).toEqual([]);
    expect(await ownership().domains(stranger.defaultClientId)).toEqual([]);
    await expect(ownership().addDomain({ domain: 'not a domain' })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'domain' } });
  });

  it('records attestations of IPs and CIDRs with who, when and from where; they cover what they contain', async () => {
    const who = identity();
    const att = await ownership(who).attestTarget({ target: '127.0.0.64/30', statement: 'These lab addresses are ours.' });
    expect(att).toMatchObject({ target: '127.0.0.64/30', statement: 'These lab addresses are ours.', createdBy: who.credentialId, sourceIp: '127.0.0.9', userAgent: 'ownership-test/1.0', clientId: account.defaultClientId });
    const record = await authorise(account.defaultClientId, '127.0.0.65', 'IP');
    expect(record).toMatchObject({ evidenceKind: 'ATTESTATION', attestationId: att.id, attestedTarget: '127.0.0.64/30', domainId: null });
    expect((await authorise(account.defaultClientId, 'http://127.0.0.66:8080/', 'URL')).attestationId).toBe(att.id);
    expect((await refusal(authorise(account.defaultClientId, '127.0.0.64/29', 'CIDR'))).message).toMatch(/No attestation of this client covers 127\.0\.0\.64\/29/);
    expect((await refusal(authorise(otherClientId, '127.0.0.65', 'IP'))).reason).toBe('TARGET_UNVERIFIED');
    // The policy still applies: no attestation makes cloud metadata or an oversized range scannable.
    await expect(ownership().attestTarget({ target: '169.254.169.254', statement: 'ours' })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'target' } });
    await expect(ownership().attestTarget({ target: '127.0.0.0/16', statement: 'ours' })).rejects.toThrow(/limit is 256/);
    await expect(ownership().attestTarget({ target: '127.0.0.70', statement: '  ' })).rejects.toThrow(/a statement is required/);
    const revoked = await ownership().revokeAttestation(att.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect((await refusal(authorise(account.defaultClientId, '127.0.0.65', 'IP'))).reason).toBe('TARGET_UNVERIFIED');
  });

  it('refuses a missing or negative authorisation before looking at the target', async () => {
    const gate = new ActiveAuthorisationService(identity(), scansOrm.em.fork(), config);
    const target = normalizeTarget('unknown.test', 'DOMAIN');
    const missing = await refusal(gate.authorise(account.defaultClientId, target, null));
    expect(missing).toMatchObject({ reason: 'NOT_AUTHORISED' });
    expect(missing.message).toMatch(/need an explicit authorisation/);
    const no = await refusal(gate.authorise(account.defaultClientId, target, { source: 'REQUEST', authorised: false }));
    expect(no.message).toMatch(/was not authorised \(authorisation\.authorised is false\)/);
    await expect(gate.authorise(account.defaultClientId, target, { source: 'REQUEST', authorised: true, authorisedBy: 'x'.repeat(201) })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'authorisation.authorisedBy' },
    });
  });
});
