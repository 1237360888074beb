import type { Probe, ProbeContext } from '../../check.js';
import { analyzeHeaders } from './header-analysis.js';
import { HEADER_CHECKS } from './headers.checks.js';
import { evidenceHeaders, isDocument } from './web-http.js';

/**
 * Browser security headers of the host's page: HSTS, CSP (present and strong), nosniff, framing,
 * Referrer-Policy and Permissions-Policy. Reads only the page every probe shares; sends nothing.
 */
export const headersProbe: Probe = {
  id: 'headers',
  title: 'Browser security headers',
  checks: HEADER_CHECKS,
  mode: 'PASSIVE',
  profile: 'LIGHT',
  async run(ctx: ProbeContext): Promise<void> {
    const page = await ctx.page();
    if (!page) return;
    const res = page.response;
    const issues = analyzeHeaders({ url: res.url, status: res.status, headers: res.headers, document: isDocument(res), html: page.html });
    const headers = evidenceHeaders(res.headers);
    for (const issue of issues) {
      ctx.report({
        checkId: issue.checkId,
        target: res.url,
        description: issue.description,
        evidence: { url: res.url, status: res.status, headers, ...issue.details },
      });
    }
  },
};
