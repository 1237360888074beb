import { X509Certificate } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type net from 'node:net';
import type tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { labCertificate, type LabCertKind } from '../../../../../../test/lab/certs.js';
import { makeProbeContext, type TestProbeContext } from '../../../../../../test/support/probe-context.js';
import { CheckCatalogue } from '../../catalogue.js';
import { PROBES } from '../index.js';
import { TLS_CHECKS } from './tls.checks.js';
import { httpsPorts, tlsProbe } from './tls.probe.js';

const HOST = '127.0.0.12';
const NAME = 'lab.test';
const NAMES = [NAME, HOST];

interface LabServer {
  port: number;
  /** TCP connections accepted: one per handshake the probe attempted. */
  connections: number;
  /** SNI names of the completed handshakes (false when the client sent none). */
  servernames: (string | false | null)[];
  close(): Promise<void>;
}

const servers: LabServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function listen(server: net.Server, record: LabServer): Promise<LabServer> {
  server.on('connection', () => record.connections++);
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  record.port = (server.address() as AddressInfo).port;
  servers.push(record);
  return record;
}

/** A real HTTPS server on our loopback address with a lab certificate of `kind`. */
async function startHttps(kind: LabCertKind, options: tls.TlsOptions = {}): Promise<LabServer> {
  const { key, cert } = await labCertificate(kind, NAMES);
  const server = https.createServer({ key, cert, minVersion: 'TLSv1.2', ...options }, (_req, res) => res.end('ok'));
  const record: LabServer = {
    port: 0,
    connections: 0,
    servernames: [],
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  server.on('secureConnection', (socket: tls.TLSSocket) => record.servernames.push(socket.servername));
  return listen(server, record);
}

async function probe(port: number, opts: { byName?: boolean; trustLabCa?: boolean } = {}): Promise<TestProbeContext> {
  const ca = (await labCertificate('valid', NAMES)).ca;
  const ctx = makeProbeContext({
    target: `https://${opts.byName === false ? HOST : NAME}:${port}/`,
    hosts: { [NAME]: [HOST] },
    profile: 'LIGHT',
    ...(opts.trustLabCa === false ? {} : { ca }),
  });
  await tlsProbe.run(ctx);
  return ctx;
}

/** Server-side events trail the client's secureConnect: poll for them with a deadline. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const ids = (ctx: TestProbeContext): string[] => ctx.findings.map((f) => f.checkId).sort();

describe('tls probe', () => {
  it('reports nothing for a hardened server whose CA the operator trusts, in one full handshake', async () => {
    const server = await startHttps('valid');
    const ctx = await probe(server.port);
    expect(ctx.findings).toEqual([]);
    // One full handshake, with SNI, plus the two refused legacy attempts; no second full one.
    await until(() => server.servernames.length > 0, 'the full handshake');
    expect(server.servernames).toEqual([NAME]);
    expect(server.connections).toBe(3);
  });

  it('checks an IP target against the IP SAN and sends no SNI', async () => {
    const server = await startHttps('valid');
    const ctx = await probe(server.port, { byName: false });
    expect(ctx.findings).toEqual([]);
    await until(() => server.servernames.length > 0, 'the full handshake');
    expect(server.servernames).toEqual([false]);
  });

  it('reports a certificate from an unknown CA as untrusted when the operator does not trust that CA', async () => {
    const server = await startHttps('valid');
    const ctx = await probe(server.port, { trustLabCa: false });
    expect(ids(ctx)).toEqual(['tls.certificate-untrusted']);
    expect(ctx.findings[0]!.target).toBe(`${NAME}:${server.port}`);
    expect(ctx.findings[0]!.evidence).toMatchObject({ authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('reports an expired self-signed certificate as expired and self-signed, and nothing else about trust', async () => {
    const server = await startHttps('expired-self-signed');
    const ctx = await probe(server.port);
    expect(ids(ctx)).toEqual(['tls.certificate-expired', 'tls.certificate-self-signed']);
    const { cert } = await labCertificate('expired-self-signed', NAMES);
    const x509 = new X509Certificate(cert);
    const evidence = ctx.findings[0]!.evidence;
    expect(evidence).toMatchObject({
      subject: `O=fixfirst lab, CN=${NAME}`,
      issuer: `O=fixfirst lab, CN=${NAME}`,
      subjectAltNames: [`DNS:${NAME}`, `IP Address:${HOST}`],
      validTo: x509.validToDate.toISOString(),
      keyType: 'ec',
      keyBits: 256,
      fingerprintSha256: x509.fingerprint256,
      protocol: 'TLSv1.3',
      port: server.port,
    });
    expect(evidence['authorizationError']).toMatch(/^(CERT_HAS_EXPIRED|DEPTH_ZERO_SELF_SIGNED_CERT)$/);
    expect(ctx.findings[0]!.description).toContain('expired on');
  });

  it('reports a CA-issued certificate for another name as a name mismatch only', async () => {
    const server = await startHttps('wrong-name');
    const ctx = await probe(server.port);
    expect(ids(ctx)).toEqual(['tls.certificate-name-mismatch']);
    expect(ctx.findings[0]!.description).toContain('wrong-host.invalid');
    const byIp = await probe(server.port, { byName: false });
    expect(ids(byIp)).toEqual(['tls.certificate-name-mismatch']);
    expect(byIp.findings[0]!.description).toContain(`"${HOST}"`);
  });

  it('reports a certificate that is not valid yet', async () => {
    const ctx = await probe((await startHttps('not-yet-valid')).port);
    expect(ids(ctx)).toEqual(['tls.certificate-not-yet-valid']);
    expect(ctx.findings[0]!.evidence).toMatchObject({ authorizationError: 'CERT_NOT_YET_VALID' });
  });

  it('reports a certificate that expires in about ten days as expiring soon', async () => {
    const ctx = await probe((await startHttps('expiring-soon')).port);
    expect(ids(ctx)).toEqual(['tls.certificate-expiring-soon']);
    expect(ctx.findings[0]!.description).toMatch(/in (9|10) days/);
  });

  it('reports a 1024-bit RSA key as weak', async () => {
    // OpenSSL 3 will not even load a 1024-bit key at its default security level.
    const server = await startHttps('weak-rsa', { ciphers: 'DEFAULT@SECLEVEL=0' });
    const ctx = await probe(server.port);
    expect(ids(ctx)).toEqual(['tls.weak-key']);
    expect(ctx.findings[0]!.evidence).toMatchObject({ keyType: 'rsa', keyBits: 1024 });
  });

  it('reports TLS 1.0 and 1.1 in one finding when a server accepts them', async () => {
    const server = await startHttps('valid', { minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
    const ctx = await probe(server.port);
    expect(ids(ctx)).toEqual(['tls.legacy-protocol']);
    const finding = ctx.findings[0]!;
    expect(finding.target).toBe(`${NAME}:${server.port}`);
    expect(finding.evidence).toMatchObject({ acceptedVersions: ['TLSv1', 'TLSv1.1'], preferredProtocol: 'TLSv1.3' });
    expect(Object.keys(finding.evidence['ciphers'] as object).sort()).toEqual(['TLSv1', 'TLSv1.1']);
    await until(() => server.servernames.length >= 3, 'three handshakes');
    expect(server.servernames).toEqual([NAME, NAME, NAME]);
  });

  it('reports a TLS 1.1-only server from its full handshake and tries only TLS 1.0 again', async () => {
    const server = await startHttps('valid', { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
    const ctx = await probe(server.port);
    expect(ids(ctx)).toEqual(['tls.legacy-protocol']);
    expect(ctx.findings[0]!.evidence).toMatchObject({ acceptedVersions: ['TLSv1.1'], preferredProtocol: 'TLSv1.1' });
    expect(server.connections).toBe(2);
  });

  it('yields nothing, without failing, on a port that speaks plain HTTP or is closed', async () => {
    const plain = http.createServer((_req, res) => res.end('plain'));
    const record = await listen(plain, {
      port: 0,
      connections: 0,
      servernames: [],
      close: () => new Promise<void>((resolve) => {
        plain.closeAllConnections();
        plain.close(() => resolve());
      }),
    });
    expect((await probe(record.port)).findings).toEqual([]);
    expect(record.connections).toBe(1);
    await record.close();
    servers.splice(servers.indexOf(record), 1);
    expect((await probe(record.port)).findings).toEqual([]);
  });

  it('makes no connection once the scan is aborted', async () => {
    const server = await startHttps('expired-self-signed');
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    const ctx = makeProbeContext({ target: `https://${HOST}:${server.port}/`, signal: controller.signal });
    await tlsProbe.run(ctx);
    expect(ctx.findings).toEqual([]);
    expect(server.connections).toBe(0);
  });
});

describe('tls probe registration', () => {
  it('is registered and owns catalogue entries with the documented severities', () => {
    expect(PROBES).toContain(tlsProbe);
    const catalogue = new CheckCatalogue([tlsProbe]);
    const severities = Object.fromEntries(TLS_CHECKS.map((c) => [c.id, catalogue.get(c.id)!.severity]));
    expect(severities).toEqual({
      'tls.certificate-expired': 'HIGH',
      'tls.certificate-not-yet-valid': 'HIGH',
      'tls.certificate-self-signed': 'HIGH',
      'tls.certificate-untrusted': 'HIGH',
      'tls.certificate-name-mismatch': 'HIGH',
      'tls.certificate-expiring-soon': 'MEDIUM',
      'tls.weak-key': 'MEDIUM',
      'tls.legacy-protocol': 'MEDIUM',
    });
    for (const check of TLS_CHECKS) expect(check.cweId).toMatch(/^CWE-\d+$/);
  });

  it('runs only on hosts with an https URL, on each distinct port', () => {
    expect(httpsPorts(['https://a.test/', 'http://a.test/', 'https://a.test:8443/x', 'https://a.test:443/y'])).toEqual([443, 8443]);
    expect(tlsProbe.appliesTo!({ type: 'URL', value: 'http://a.test/', hosts: [] }, { hostname: 'a.test', urls: ['http://a.test/'], addresses: [] })).toBe(false);
  });
});
