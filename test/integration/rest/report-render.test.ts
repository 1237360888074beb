import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportGrantSigner, ReportUrlSigner } from '../../../lib/auth/report-url.js';
import { printEvidence } from '../../../rest-adapter/src/reports/evidence.js';
import type { ReportData } from '../../../rest-adapter/src/reports/report-data.js';
import { renderReport, TEMPLATES_DIR } from '../../../rest-adapter/src/reports/render.js';
import { complianceView, executiveView, ratingOf, technicalView } from '../../../rest-adapter/src/reports/view-model.js';
import { attr, parseReport, safetyProblems } from './report-html-check.js';
import { data, finding } from './report-data-fixture.js';

const HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '</style><style>body{display:none}</style>'];
const H = HOSTILE.join(' ');
const SECRET = 'fxv_' + 'A'.repeat(43);

const render = {
  executive: (d: ReportData) => renderReport(executiveView(d, 'A4')),
  technical: (d: ReportData) => renderReport(technicalView(d, 'Letter')),
  compliance: (d: ReportData) => renderReport(complianceView(d, 'A4')),
};
const KINDS = Object.keys(render) as (keyof typeof render)[];

describe('report templates', () => {
  it('never output raw HTML: no triple-stash, no raw block, escaping left on', () => {
    const files = readdirSync(TEMPLATES_DIR).filter((f) => f.endsWith('.hbs'));
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const f of files) {
      const text = readFileSync(path.join(TEMPLATES_DIR, f), 'utf8');
      expect(text, f).not.toMatch(/\{\{\{|\{\{&|\{\{\{\{/);
    }
    expect(readFileSync(path.join(TEMPLATES_DIR, '..', 'render.ts'), 'utf8')).toMatch(/noEscape: false/);
  });

  it.each(KINDS)('%s: hostile strings from the target, the client and the account stay text', (kind) => {
    const d = data([
      finding({ title: H, description: H, location: H, target: `http://127.0.0.66/${H}`, evidence: { banner: H, server: H }, remediation: H, cveIds: [H] }),
      finding({ severity: 'CRITICAL', fixfirstPriority: 'critical', fixUrgency: 'immediate', kevFlagged: true, title: `KEV ${H}`, history: [{ at: '2025-03-01T10:00:00Z', actorKind: 'user', updatedBy: H, from: 'OPEN', to: 'IN_PROGRESS', note: H }] }),
    ]);
    d.scan.client = { id: 'c1', name: H, company: H, account: { id: 'a1', name: H, branding: { displayName: H, logoDataUrl: 'javascript:alert(1)', accentColor: 'red;}</style><script>x</script>' } } };
    d.scan.target = H;
    const { html, csp } = render[kind](d);
    expect(safetyProblems(html)).toEqual([]);
    const page = parseReport(html);
    for (const s of HOSTILE) expect(page.text).toContain(s);
    expect(page.elements.filter((e) => e.tagName === 'img')).toEqual([]);
    // The policy allows the one stylesheet by its hash: exactly the text of the <style> element.
    const style = page.elements.find((e) => e.tagName === 'style')!;
    const hash = createHash('sha256').update(page.textOf(style)).digest('base64');
    expect(csp).toBe(`default-src 'none'; style-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
    expect(page.textOf(style)).toContain('--accent: #1f4e79');
    // The running header's data attributes are escaped values, never markup.
    const root = page.elements.find((e) => e.tagName === 'html')!;
    expect(attr(root, 'data-brand')).toBe(H);
  });

  it('keeps a valid logo (raster data: URL) and accent colour, and lays out the paper asked for', () => {
    const logo = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const d = data([finding()]);
    d.scan.client.account.branding = { displayName: 'Northwind Security', logoDataUrl: logo, accentColor: '#0A7D5A' };
    const { html } = render.technical(d);
    const page = parseReport(html);
    expect(page.elements.filter((e) => e.tagName === 'img').map((e) => attr(e, 'src'))).toEqual([logo]);
    expect(html).toContain('--accent: #0a7d5a');
    expect(html).toContain('size: Letter');
    expect(page.text).toContain('Northwind Security');
    expect(safetyProblems(html)).toEqual([]);
  });

  it('renders 500 findings: one card each, grouped by priority, counts as the summary says', () => {
    const priorities = ['critical', 'high', 'medium', 'low', 'info'] as const;
    const sev = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'] as const;
    const findings = Array.from({ length: 500 }, (_, i) => finding({ severity: sev[i % 5], fixfirstPriority: priorities[i % 5], fixUrgency: i % 5 === 0 ? 'immediate' : 'planned', kevFlagged: i === 7 }));
    const d = data(findings);
    const tech = parseReport(render.technical(d).html);
    expect(tech.cardIds).toHaveLength(500);
    expect(new Set(tech.cardIds)).toEqual(new Set(findings.map((f) => f.id)));
    const groups = tech.elements.filter((e) => e.tagName === 'section' && attr(e, 'data-priority'));
    expect(groups.map((g) => attr(g, 'data-priority'))).toEqual([...priorities]);
    const exec = parseReport(render.executive(d).html);
    for (const s of ['critical', 'high', 'medium', 'low', 'info']) {
      expect(exec.textOf(exec.elements.find((e) => attr(e, 'data-count') === s)!)).toBe('100');
    }
    // Top risks: the KEV one first, whatever its score.
    const top = exec.byId('top-risks')!;
    expect(attr(top.childNodes.find((c) => 'tagName' in c && c.tagName === 'li') as never, 'data-finding-id')).toBe(findings[7]!.id);
    expect(exec.textOf(exec.byId('overall-rating')!)).toBe('Critical');
    // 100 are due this week. The top risks are the known-exploited one and the first four (equal
    // scores), one of them due this week; five of the other 99 are listed and 94 counted.
    expect(exec.text).toContain('And 94 more due within seven days');
    expect(safetyProblems(render.compliance(d).html)).toEqual([]);
  });

  it('a failed scan is a failure page with its reason; an empty one a clean result', () => {
    const failed = data([], { status: 'FAILED', error: 'Target unreachable: connect ECONNREFUSED', completedAt: '2025-03-01T10:01:00Z' });
    for (const kind of KINDS) {
      const page = parseReport(render[kind](failed).html);
      expect(page.textOf(page.byId('scan-notice')!)).toContain('Target unreachable: connect ECONNREFUSED');
      expect(page.textOf(page.byId('scan-notice')!)).toContain('This scan failed');
      expect(page.cardIds).toEqual([]);
      const clean = parseReport(render[kind](data([])).html);
      expect(clean.byId('scan-notice')).toBeUndefined();
      expect(clean.byId('clean-result'), kind).toBeDefined();
    }
    expect(ratingOf([])).toEqual({ label: 'Good', key: 'good' });
  });

  it('compliance: a control an open finding maps to fails, one a clean check covers passes, others are not assessed', () => {
    const view = complianceView(data([finding()]), 'A4');
    const iso = view.tables.find((t) => t.key === 'iso27001')!;
    expect(iso.rows.find((r) => r.id === 'A.8.9')!.status).toBe('failed');
    const tlsIso = view.tables.find((t) => t.key === 'iso27001')!.rows.filter((r) => r.status === 'passed');
    expect(tlsIso.length).toBeGreaterThan(0);
    expect(tlsIso.every((r) => r.evidence.startsWith('Checked with no finding: Weak TLS protocol'))).toBe(true);
    expect(iso.rows.some((r) => r.status === 'not_assessed')).toBe(true);
    const cccs = view.tables.find((t) => t.key === 'cccs')!;
    expect(cccs.rows).toHaveLength(13);
    const fixed = complianceView(data([finding({ status: 'FIXED' })]), 'A4').tables.find((t) => t.key === 'iso27001')!;
    expect(fixed.rows.find((r) => r.id === 'A.8.9')!.status).not.toBe('failed');
  });

  it('evidence: secrets redacted, long evidence cut at 2 KB with a note', () => {
    const printed = printEvidence({ authorization: 'Basic dXNlcjpwYXNz', body: `key ${SECRET} and ?api_key=abc123&x=1`, big: 'y'.repeat(5000) });
    expect(printed.text).not.toContain(SECRET);
    expect(printed.text).not.toContain('dXNlcjpwYXNz');
    expect(printed.text).not.toContain('abc123');
    expect(printed.text).toContain('[redacted]');
    expect(printed.truncated).toBe(true);
    expect(printed.text.length).toBeLessThanOrEqual(2048);
    const html = render.technical(data([finding({ evidence: { big: 'z'.repeat(5000), token: SECRET } })])).html;
    expect(html).not.toContain(SECRET);
    expect(parseReport(html).text).toMatch(/Evidence truncated: \d+ more characters/);
  });
});

describe('signed report links', () => {
  const secret = 'x'.repeat(40);
  const signer = new ReportUrlSigner(secret);
  const scan = '0190a8e0-0000-7000-8000-000000000001';
  const cred = { kind: 'key' as const, id: '0190a8e0-0000-7000-8000-0000000000cc' };
  const now = 1_750_000_000;

  it('verify for exactly the scan, type and expiry they were signed for', () => {
    const url = new URL(signer.url('http://127.0.0.66:8080', scan, 'technical', cred, now + 3600));
    expect(url.pathname).toBe(`/scan/${scan}/report/technical`);
    const q = Object.fromEntries(url.searchParams);
    expect(Object.keys(q).sort()).toEqual(['cred', 'exp', 'sig']);
    expect(signer.verify(scan, 'technical', q, now)).toEqual(cred);
    expect(signer.verify(scan, 'executive', q, now)).toBeNull();
    expect(signer.verify('0190a8e0-0000-7000-8000-000000000002', 'technical', q, now)).toBeNull();
    expect(signer.verify(scan, 'technical', q, now + 3600)).toBeNull();
    expect(signer.verify(scan, 'technical', { ...q, exp: String(now + 7200) }, now)).toBeNull();
    expect(signer.verify(scan, 'technical', { ...q, cred: 'key.0190a8e0-0000-7000-8000-0000000000cd' }, now)).toBeNull();
    expect(new ReportUrlSigner('y'.repeat(40)).verify(scan, 'technical', q, now)).toBeNull();
  });

  it('grants are fresh for 60 seconds and cannot be forged', () => {
    const grants = new ReportGrantSigner(secret);
    const header = grants.sign({ cred, scanId: scan }, now);
    expect(grants.verify(header, now + 30)).toEqual({ cred, scanId: scan });
    // The scan is signed too: a grant cannot be moved to another scan.
    expect(grants.verify(header.replace(scan, '0190a8e0-0000-7000-8000-000000000002'), now)).toBeNull();
    expect(grants.verify(header, now + 61)).toBeNull();
    expect(grants.verify(header.replace('key.', 'token.'), now)).toBeNull();
    expect(new ReportGrantSigner('y'.repeat(40)).verify(header, now)).toBeNull();
  });
});
