import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import type tls from 'node:tls';
import type { Probe, ProbeContext } from '../../check.js';
import { certificateEvidence, judgeCertificate } from './certificate-judge.js';
import { LEGACY_PROTOCOL, TLS_CHECKS } from './tls.checks.js';
import { defaultCaPems, trustAnchors } from './trust-anchors.js';

/**
 * OpenSSL 3 refuses TLS 1.0/1.1 (SHA-1/MD5 handshake signatures) and small keys at security level
 * 1 and above: "no protocols available" before a byte is sent. Level 0 lets the scanner talk to
 * exactly the weak servers it must report; it never lowers what the scanned server accepts.
 */
const SCANNER_CIPHERS = 'DEFAULT@SECLEVEL=0';
const LEGACY_VERSIONS = ['TLSv1', 'TLSv1.1'] as const satisfies readonly tls.SecureVersion[];
const CLOSE_GRACE_MS = 2_000;
const VERSION_ORDER: readonly string[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** One completed handshake and what the server presented in it. */
interface Handshake {
  protocol: string | null;
  cipher: string;
  authorized: boolean;
  authorizationError: string | null;
  peer: tls.DetailedPeerCertificate;
  /** The chain as presented (completed from the store by OpenSSL), leaf first. */
  chain: X509Certificate[];
}

/** The distinct HTTPS ports of the host's URLs (a URL target's own port, else 443). */
export function httpsPorts(urls: readonly string[]): number[] {
  const ports = new Set<number>();
  for (const raw of urls) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      continue;
    }
    if (url.protocol === 'https:') ports.add(url.port === '' ? 443 : Number(url.port));
  }
  return [...ports];
}

/** Follows issuerCertificate links (the root links to itself) into a leaf-first array. */
function peerChain(peer: tls.DetailedPeerCertificate): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  for (let cert: tls.DetailedPeerCertificate | undefined = peer; cert?.raw && !seen.has(cert.fingerprint256); cert = cert.issuerCertificate) {
    seen.add(cert.fingerprint256);
    chain.push(new X509Certificate(cert.raw));
  }
  return chain;
}

function authorizationErrorOf(socket: tls.TLSSocket): string | null {
  // Typed as Error, but Node stores OpenSSL's verify code (e.g. CERT_HAS_EXPIRED) as a string.
  const err = socket.authorizationError as unknown;
  if (err === undefined || err === null) return null;
  return typeof err === 'string' ? err : err instanceof Error ? err.message : String(err);
}

/**
 * One TLS handshake through ctx.net; null when the port does not complete one (closed, filtered,
 * not TLS, or the version/ciphers were refused). Only an abort propagates.
 */
async function handshake(ctx: ProbeContext, address: string, port: number, options: tls.ConnectionOptions): Promise<Handshake | null> {
  let socket: tls.TLSSocket;
  try {
    socket = (await ctx.net.connect(address, port, { tls: { rejectUnauthorized: false, ...options } })) as tls.TLSSocket;
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    ctx.log.debug({ address, port, minVersion: options.minVersion, maxVersion: options.maxVersion, err: (err as Error).message }, 'tls handshake failed');
    return null;
  }
  try {
    const peer = socket.getPeerCertificate(true);
    return {
      protocol: socket.getProtocol(),
      cipher: socket.getCipher().name,
      authorized: socket.authorized,
      authorizationError: authorizationErrorOf(socket),
      peer,
      chain: peer.raw ? peerChain(peer) : [],
    };
  } catch (err) {
    // A certificate OpenSSL accepted on the wire but X509Certificate cannot parse: nothing to judge.
    ctx.log.debug({ address, port, err: (err as Error).message }, 'tls peer certificate unreadable');
    return null;
  } finally {
    closeGracefully(socket);
  }
}

/**
 * Ends with close_notify and FIN after the pending writes: destroy() would drop the client's
 * Finished still queued for a TLS 1.3 server, which would then log a failed handshake per scan.
 */
function closeGracefully(socket: tls.TLSSocket): void {
  const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.end();
}

/** Certificate and protocol checks of every HTTPS port of the host, from a visitor's handshakes. */
export const tlsProbe: Probe = {
  id: 'tls',
  title: 'TLS certificate and protocol versions',
  checks: TLS_CHECKS,
  mode: 'PASSIVE',
  profile: 'LIGHT',
  appliesTo: (_target, host) => httpsPorts(host.urls).length > 0,
  async run(ctx) {
    const address = ctx.host.addresses[0];
    if (address === undefined) return;
    const hostname = ctx.host.hostname;
    // SNI carries names only (RFC 6066); for an IP target ScanNet sends none.
    const servername = net.isIP(hostname) ? {} : { servername: hostname };
    const ca = [...defaultCaPems(), ...(ctx.ca ? [ctx.ca] : [])];
    for (const port of httpsPorts(ctx.host.urls)) {
      if (ctx.signal.aborted) return;
      const where = `${net.isIPv6(hostname) ? `[${hostname}]` : hostname}:${port}`;
      // The full handshake: any version the server allows, verified against the same anchors
      // the chain walk uses, so OpenSSL's verdict and ours agree on what "trusted" means.
      const main = await handshake(ctx, address, port, { ...servername, ca, minVersion: 'TLSv1', ciphers: SCANNER_CIPHERS });
      if (main === null || main.chain.length === 0) continue;
      const handshakeEvidence = {
        host: hostname,
        address,
        port,
        protocol: main.protocol,
        cipher: main.cipher,
        authorizationError: main.authorizationError,
      };
      const evidence = { ...certificateEvidence(main.chain), ...handshakeEvidence };
      const issues = judgeCertificate({
        chain: main.chain,
        peer: main.peer,
        hostname,
        where,
        authorized: main.authorized,
        anchors: () => trustAnchors(ctx.ca),
      });
      for (const issue of issues) ctx.report({ checkId: issue.checkId, target: where, description: issue.description, evidence: { ...evidence } });

      await checkLegacyProtocols(ctx, address, port, servername, where, main.protocol, main.cipher);
    }
  },
};

/** Handshakes pinned to TLS 1.0 and to TLS 1.1; one finding listing every version accepted. */
async function checkLegacyProtocols(
  ctx: ProbeContext,
  address: string,
  port: number,
  servername: { servername?: string },
  where: string,
  negotiated: string | null,
  negotiatedCipher: string,
): Promise<void> {
  const accepted: Record<string, string> = {};
  // The server picks the highest version both sides offer, so the full handshake already tells
  // us the versions above the negotiated one are refused: only older ones need a pinned try.
  const rank = (version: string | null): number => VERSION_ORDER.indexOf(version ?? '');
  if (negotiated !== null && (LEGACY_VERSIONS as readonly string[]).includes(negotiated)) accepted[negotiated] = negotiatedCipher;
  const toTry = LEGACY_VERSIONS.filter((version) => rank(negotiated) < 0 || rank(version) < rank(negotiated));
  await Promise.all(
    toTry.map(async (version) => {
      const pinned = await handshake(ctx, address, port, { ...servername, minVersion: version, maxVersion: version, ciphers: SCANNER_CIPHERS });
      if (pinned?.protocol === version) accepted[version] = pinned.cipher;
    }),
  );
  const versions = LEGACY_VERSIONS.filter((version) => accepted[version] !== undefined);
  if (versions.length === 0) return;
  const names = versions.map((v) => v.replace('TLSv', 'TLS ')).join(' and ');
  ctx.report({
    checkId: LEGACY_PROTOCOL.id,
    target: where,
    description: `${where} completes handshakes with ${names}, protocol versions deprecated by RFC 8996. A client or middlebox that can be pushed down to them loses the protections of TLS 1.2+.${negotiated && (LEGACY_VERSIONS as readonly string[]).includes(negotiated) ? ` It does not even offer a newer version: ${negotiated} is the best it negotiated.` : ''}`,
    evidence: {
      host: ctx.host.hostname,
      address,
      port,
      acceptedVersions: versions,
      ciphers: accepted,
      preferredProtocol: negotiated,
    },
  });
}
