import { z } from 'zod';
import { REPORT_TYPES } from '../../../lib/auth/report-url.js';
import { RestError } from '../errors.js';
import { PdfRenderError, pdfAvailable, renderPdf } from '../reports/pdf.js';
import { loadReportData, REPORT_OPERATION } from '../reports/report-data.js';
import { renderReport } from '../reports/render.js';
import { complianceView, executiveView, technicalView, type BaseView, type Paper, type ReportKind } from '../reports/view-model.js';
import { RawAnswer, route, type RouteContext } from '../route.js';
import { COMMON_ERRORS, PATH_ID_RULE, pathId } from './shared.js';

/** The 501 answer's message when no Chromium is configured. */
export const PDF_NOT_CONFIGURED = 'Set CHROMIUM_PATH to a Chromium (e.g. Debian\'s chromium) to render PDF';

const reportParams = z.object({
  job_id: pathId('The scan id (UUID) returned as `job_id`.'),
  type: z.enum(REPORT_TYPES).describe('executive (one page for a board), technical (every finding) or compliance (control by control).'),
});
type ReportParams = z.infer<typeof reportParams>;

const reportQuery = z.object({
  paper: z.enum(['A4', 'Letter']).default('A4').describe('Paper the print CSS (and a PDF) is laid out for: A4 (default) or Letter.'),
  format: z.enum(['html', 'pdf']).default('html').describe('html (default) or pdf (rendered server-side in Chromium when CHROMIUM_PATH is set; 501 not_implemented otherwise).'),
  exp: z.string().optional().describe('Signed link: expiry (unix seconds), as Scan.reportUrl gives it.'),
  cred: z.string().optional().describe('Signed link: the credential it acts for, as Scan.reportUrl gives it.'),
  sig: z.string().optional().describe('Signed link: signature, as Scan.reportUrl gives it.'),
});
type ReportQuery = z.infer<typeof reportQuery>;

/** Headers of every report answer: the policy of its one stylesheet, no sniffing, no referrer. */
function reportHeaders(csp: string): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-resource-policy': 'same-origin',
  };
}

const VIEWS: Record<ReportKind, (data: Awaited<ReturnType<typeof loadReportData>>, paper: Paper) => BaseView> = {
  executive: executiveView,
  technical: technicalView,
  compliance: complianceView,
};

async function report(params: ReportParams, query: ReportQuery, ctx: RouteContext): Promise<RawAnswer> {
  // Checked before any work: a deployment without Chromium answers at once.
  if (query.format === 'pdf' && !pdfAvailable()) throw new RestError('not_implemented', { message: PDF_NOT_CONFIGURED });
  const data = await loadReportData(ctx, params.job_id);
  const { html, csp } = renderReport(VIEWS[params.type](data, query.paper));
  if (query.format === 'html') return new RawAnswer('text/html; charset=utf-8', html, reportHeaders(csp));
  try {
    const pdf = await renderPdf(html, { paper: query.paper });
    const name = `${params.type}-report-${params.job_id}.pdf`;
    return new RawAnswer('application/pdf', pdf, { ...reportHeaders(csp), 'content-disposition': `inline; filename="${name}"` });
  } catch (err) {
    if (err instanceof PdfRenderError && err.reason === 'unavailable') throw new RestError('not_implemented', { message: PDF_NOT_CONFIGURED });
    if (err instanceof PdfRenderError && err.reason === 'timeout') throw new RestError('service_unavailable', { message: 'PDF rendering is busy; retry shortly' });
    throw err;
  }
}

const reportRoute = route<ReportParams, ReportQuery, unknown, string>({
  operationId: 'fixfirstScanReport',
  dialect: 'fixfirst',
  method: 'get',
  path: '/scan/{job_id}/report/{type}',
  summary: 'A scan report: executive, technical or compliance (HTML, or PDF)',
  description: [
    'A complete, printable report of one scan, rendered from one GraphQL operation through the gateway with the caller\'s credentials (its findings connection paged to the end). `executive`: overall rating, severity counts and chart, trend against the client\'s previous scans of the same target, top risks (known-exploited first) and what to do this week. `technical`: every finding grouped by priority with score, CVEs, KEV/EPSS, CWE, ATT&CK, D3FEND, evidence (escaped, secrets redacted, cut at 2 KB), remediation and status history, plus scan metadata and the authorisation record of an active scan. `compliance`: ISO/IEC 27001:2022 Annex A, CIS Controls v8, CCCS baseline controls and ITSG-33 families, control by control (failed, passed, not assessed) with the evidence of each row. A failed or cancelled scan answers a failure page (reason, when, what to do); an unfinished one says so.',
    'Authentication: `x-api-key` (optionally with a client token), or `?api_key=` (this route only: a key in a URL ends up in browser history and proxy logs, so prefer the signed link), or a signed, expiring link from GraphQL `Scan.reportUrl(type)` (`?exp=&cred=&sig=`). The signed link carries no credential: it names the credential that asked for it and is signed (HMAC-SHA-256, key derived from INTERNAL_TOKEN_SECRET) for exactly that scan, type and expiry. The adapter verifies it and calls the gateway with a short-lived signed grant naming that credential; the gateway re-reads the credential on every request (a revoked or expired credential\'s links answer 401 at once) and acts for it with read scopes only. A link for another scan or type, an altered, expired or forged one is `401 invalid_token`. The credential needs the `reports:read` scope (403 forbidden otherwise).',
    'The page is self-contained and safe to open: every value is escaped by the template engine, the answer carries `Content-Security-Policy: default-src \'none\'; style-src \'sha256-…\'; img-src data:` (no script, the one stylesheet by its hash, images only as data: URLs), `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer`, and neither the key nor the link\'s signature appears in it. White-label: the account\'s display name, logo (raster data: URL) and accent colour (#rrggbb) when set, each validated. `?paper=A4|Letter` sets the print CSS page size (default A4). `?format=pdf` renders the same HTML to PDF in Chromium when the deployment sets CHROMIUM_PATH, else `501 not_implemented`.',
    PATH_ID_RULE,
  ].join('\n\n'),
  tags: ['Reports'],
  auth: 'report',
  params: reportParams,
  query: reportQuery,
  success: {
    status: 200,
    description: 'The report: a complete HTML document (or a PDF with `?format=pdf`).',
    schema: z.string().describe('A complete HTML document.'),
    example: '<!DOCTYPE html><html lang="en" data-report-title="Technical findings report: https://shop.example/" data-brand="Northwind Security" …>…</html>',
    contentType: 'text/html',
    alsoPdf: true,
  },
  errors: [...COMMON_ERRORS, 'invalid_input', 'forbidden', 'not_found', 'conflict', 'not_implemented'],
  operations: [REPORT_OPERATION],
  handle: ({ params, query }, ctx) => report(params, query, ctx),
});

/** The report routes of the Fix First dialect (issue 7). */
export const fixfirstReportRoutes = [reportRoute];
