import { createHmac, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { REPO_ROOT } from '../paths.js';

/**
 * Signed report links and the grant the REST adapter forwards for them.
 *
 * `Scan.reportUrl(type)` (scans subgraph) signs `/scan/<id>/report/<type>?exp=&cred=&sig=` with a
 * key derived from INTERNAL_TOKEN_SECRET. The link carries no credential: `cred` names the
 * credential that asked for it (`key.<uuid>` or `token.<uuid>`). The REST adapter verifies the
 * link for exactly that scan, type and expiry, then calls the gateway with a fresh
 * `x-fixfirst-report-grant` header (signed with another derived key, valid 60 s) naming that
 * credential and the scan; the gateway runs only the report's operation for that scan under it. The gateway re-reads the credential's row on every request, so a revoked or expired
 * credential's links stop working at once, and narrows its scopes to reading (REPORT_GRANT_SCOPES).
 */
export const REPORT_TYPES = ['executive', 'technical', 'compliance'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

/** The credential a signed link acts for. */
export interface ReportCredentialRef {
  kind: 'key' | 'token';
  id: string;
}

export const REPORT_GRANT_HEADER = 'x-fixfirst-report-grant';
/** A grant older (or newer) than this is refused: a captured header cannot be replayed later. */
const GRANT_MAX_SKEW_SECONDS = 60;
/**
 * What the adapter's grant header carries: the credential a link acts for and the one scan the
 * link is for. The gateway runs only the report's own operation (REPORT_GRANT_OPERATION) for that
 * scan under a grant, so a captured header reads nothing else within its 60 s.
 */
export interface ReportGrant {
  cred: ReportCredentialRef;
  scanId: string;
}

/** The one operation a grant may run, with `$id` the grant's scan (rest-adapter/operations). */
export const REPORT_GRANT_OPERATION = { file: path.join(REPO_ROOT, 'rest-adapter', 'operations', 'ReportData.graphql'), name: 'ReportData', scanVariable: 'id' } as const;

/** What a signed link may do at the gateway, whatever more its credential may do. */
export const REPORT_GRANT_SCOPES = ['scans:read', 'findings:read', 'reports:read'] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CRED = /^(key|token)\.([0-9a-f-]{36})$/i;

function derive(secret: string, purpose: string): Buffer {
  // Domain-separated from identity tokens and forwarded-for signatures made with the same secret.
  return createHmac('sha256', secret).update(purpose).digest();
}

function equal(given: string, expected: Buffer): boolean {
  const g = Buffer.from(given, 'base64url');
  return g.length === expected.length && timingSafeEqual(g, expected);
}

export function credentialRefText(ref: ReportCredentialRef): string {
  return `${ref.kind}.${ref.id}`;
}

export function parseCredentialRef(text: string | null | undefined): ReportCredentialRef | null {
  const m = text ? CRED.exec(text) : null;
  if (!m || !UUID.test(m[2]!)) return null;
  return { kind: m[1]!.toLowerCase() as 'key' | 'token', id: m[2]!.toLowerCase() };
}

/** The query string of a signed report link. */
export interface SignedReportQuery {
  exp: number;
  cred: string;
  sig: string;
}

/** Signs and verifies report links (the scans subgraph signs, the REST adapter verifies). */
export class ReportUrlSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = derive(secret, 'fixfirst report-url v1');
  }

  private mac(scanId: string, type: ReportType, exp: number, cred: string): Buffer {
    return createHmac('sha256', this.key).update(`${scanId.toLowerCase()}\n${type}\n${exp}\n${cred}`).digest();
  }

  sign(scanId: string, type: ReportType, cred: ReportCredentialRef, exp: number): SignedReportQuery {
    const text = credentialRefText(cred);
    return { exp, cred: text, sig: this.mac(scanId, type, exp, text).toString('base64url') };
  }

  /** The full link: `<base>/scan/<id>/report/<type>?exp=…&cred=…&sig=…`. */
  url(baseUrl: string, scanId: string, type: ReportType, cred: ReportCredentialRef, exp: number): string {
    const q = this.sign(scanId, type, cred, exp);
    const params = new URLSearchParams({ exp: String(q.exp), cred: q.cred, sig: q.sig });
    return `${baseUrl.replace(/\/$/, '')}/scan/${encodeURIComponent(scanId)}/report/${type}?${params.toString()}`;
  }

  /** The credential the link acts for; null when it is forged, altered, for another scan or type, or expired. */
  verify(scanId: string, type: ReportType, q: { exp?: unknown; cred?: unknown; sig?: unknown }, nowSeconds = Math.floor(Date.now() / 1000)): ReportCredentialRef | null {
    if (typeof q.exp !== 'string' || typeof q.cred !== 'string' || typeof q.sig !== 'string') return null;
    if (!/^\d{1,12}$/.test(q.exp) || q.sig.length > 100) return null;
    const exp = Number(q.exp);
    const cred = parseCredentialRef(q.cred);
    if (!cred || exp <= nowSeconds) return null;
    return equal(q.sig, this.mac(scanId, type, exp, credentialRefText(cred))) ? cred : null;
  }
}

/** The adapter's grant for the gateway: `<kind>.<id>.<unix seconds>.<hmac>`. */
export class ReportGrantSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = derive(secret, 'fixfirst report-grant v2');
  }

  private mac(cred: string, scanId: string, at: number): Buffer {
    return createHmac('sha256', this.key).update(`${cred}.${scanId}.${at}`).digest();
  }

  /** A grant for one credential to read one scan's report, valid GRANT_MAX_SKEW_SECONDS. */
  sign(grant: ReportGrant, nowSeconds = Math.floor(Date.now() / 1000)): string {
    const cred = credentialRefText(grant.cred);
    const scanId = grant.scanId.toLowerCase();
    return `${cred}.${scanId}.${nowSeconds}.${this.mac(cred, scanId, nowSeconds).toString('base64url')}`;
  }

  /** The credential and scan named, or null when the header is absent, forged or stale. */
  verify(header: string | null | undefined, nowSeconds = Math.floor(Date.now() / 1000)): ReportGrant | null {
    if (!header || header.length > 240) return null;
    const parts = header.split('.');
    if (parts.length !== 5) return null;
    const [kind, id, scanId, atText, sig] = parts as [string, string, string, string, string];
    const cred = parseCredentialRef(`${kind}.${id}`);
    const at = Number(atText);
    if (!cred || !UUID.test(scanId) || !Number.isInteger(at) || Math.abs(nowSeconds - at) > GRANT_MAX_SKEW_SECONDS) return null;
    return equal(sig, this.mac(credentialRefText(cred), scanId.toLowerCase(), at)) ? { cred, scanId: scanId.toLowerCase() } : null;
  }
}
