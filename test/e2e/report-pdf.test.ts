import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { openModuleOrm } from '../../lib/db/orm.js';
import type { RunningServer } from '../../lib/http/subgraph-server.js';
import { restEnv } from '../../rest-adapter/src/env.js';
import { startRestAdapter } from '../../rest-adapter/src/server.js';
import { findingsDb, FindingWriter } from '../../subgraphs/findings/src/module.js';
import { newFinding } from '../factories/finding.js';
import { seedTenant, type SeededTenant } from '../factories/tenant.js';
import { startLabTarget, type LabTarget } from '../lab/lab-target.js';
import { eventually, gql } from '../support/graphql.js';
import { CHROMIUM, inspectPdf, measureBlocks, measureReportFlow, occurrences, paginateReportFlow, pagesHoldingAll, pagesWith, PX_PER_MM } from '../support/pdf-inspect.js';
import { startTestStack, type TestStack } from './stack.js';

/**
 * `?format=pdf` through the real stack: the adapter (CHROMIUM_PATH set) prints each report of a
 * completed scan with Debian's chromium; an adapter without it answers 501 with the instructions.
 */
const ADDRESS = '127.0.0.67';
const TYPES = ['executive', 'technical', 'compliance'] as const;
const EXTRA = 24;

describe('reports as PDF', () => {
  let t: TestStack;
  let lab: LabTarget;
  let tenant: SeededTenant;
  let measuring: Browser;
  let jobId: string;
  let titles: string[];
  const key = (): Record<string, string> => ({ 'x-api-key': tenant.apiKey });

  beforeAll(async () => {
    lab = await startLabTarget({ host: ADDRESS, headers: { server: 'lab/1.0' } });
    t = await startTestStack('report-pdf', { workers: 1, env: { CHROMIUM_PATH: CHROMIUM } });
    tenant = await seedTenant(t.databaseUrl);
    measuring = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
    const created = await gql(
      t.stack.gatewayUrl,
      'mutation($i: CreateScanInput!) { createScan(input: $i) { id client { id } } }',
      { i: { target: lab.url, targetType: 'URL', clientName: 'Print Co' } },
      key(),
    );
    jobId = created.data!.createScan.id;
    await eventually(async () => (await gql(t.stack.gatewayUrl, 'query($id: ID!) { scan(id: $id) { status } }', { id: jobId }, key())).data?.scan.status === 'COMPLETED', 90_000, 'the scan completing');
    // Enough findings, of varying length, to fill several pages.
    const orm = await openModuleOrm(findingsDb, { url: t.databaseUrl, poolMax: 1 });
    try {
      const extra = Array.from({ length: EXTRA }, (_, i) =>
        newFinding({
          checkId: 'exposure.backup-file',
          severity: (['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const)[i % 4],
          title: `Backup archive number ${String(i + 1).padStart(3, '0')} is downloadable`,
          description: 'The archive holds a copy of the site. '.repeat(1 + (i % 7) * 3),
          remediation: 'Remove the archive from the web root and rotate what it contains. '.repeat(1 + (i % 5)),
          target: lab.url,
          location: `/backup-${i}.zip`,
        }),
      );
      await new FindingWriter(orm.em.fork()).record({ accountId: tenant.accountId, clientId: created.data!.createScan.client.id, scanId: jobId }, extra);
    } finally {
      await orm.close();
    }
    const findings = await fetch(`${t.stack.restUrl}/scan/${jobId}/findings`, { headers: key() }).then((r) => r.json() as Promise<{ findings: Array<{ title: string }> }>);
    titles = findings.findings.map((f) => f.title);
    expect(titles.length).toBeGreaterThan(EXTRA);
  });

  afterAll(async () => {
    await measuring?.close();
    await t?.stop();
    await lab?.close();
  });

  describe.each(TYPES)('the %s report', (type) => {
    it('prints on A4 with every finding card whole on one page', async () => {
      const res = await fetch(`${t.stack.restUrl}/scan/${jobId}/report/${type}?format=pdf&paper=A4`, { headers: key() });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/pdf/);
      const pdf = Buffer.from(await res.arrayBuffer());
      const facts = await inspectPdf(pdf);
      expect(facts.paperName).toBe('A4');
      // The report of this scan, readable as text (not an image of it).
      expect(occurrences(facts.pageTexts.join('\n'), lab.url)).toBeGreaterThan(0);

      // The same HTML, measured in print layout before printing: no card may be taller than a page.
      const html = await fetch(`${t.stack.restUrl}/scan/${jobId}/report/${type}?paper=A4`, { headers: key() }).then((r) => r.text());
      const cards = await measureBlocks(measuring, html, (210 - 28) * PX_PER_MM);
      const pageContent = (297 - 32) * PX_PER_MM;
      let previousPage = 1;
      for (const card of cards) {
        expect(card.bottom - card.top, card.id).toBeLessThan(pageContent);
        const onPages = pagesWith(card.title, facts.pageTexts);
        expect(onPages, `${card.id} ${card.title}`).toHaveLength(1);
        // Cards print in document order, after the cover.
        expect(onPages[0], card.id).toBeGreaterThanOrEqual(Math.max(previousPage, 2));
        previousPage = onPages[0] as number;
        // Every line of the card is on its title's page: a split card has lines on the next one.
        expect(pagesHoldingAll(card, facts.pageTexts), card.id).toContain(onPages[0]);
      }
      if (type === 'technical') {
        expect(cards).toHaveLength(titles.length);
        const text = facts.pageTexts.join('\n');
        for (const title of new Set(titles)) expect(occurrences(text, title), title).toBe(titles.filter((x) => x === title).length);
      }
    });
  });

  /** The report's own @page: A4 and Letter as CSS sizes them, 16 mm top and bottom, 14 mm left and right. */
  const PAGE_MM = { A4: { width: 210, height: 297 }, Letter: { width: 215.9, height: 279.4 } } as const;

  describe.each(['A4', 'Letter'] as const)('the technical report of this fixture scan on %s', (paper) => {
    it('has the number of pages its measured layout predicts, each card on its predicted page', async () => {
      const html = await fetch(`${t.stack.restUrl}/scan/${jobId}/report/technical?paper=${paper}`, { headers: key() }).then((r) => r.text());
      const flow = await measureReportFlow(measuring, html, (PAGE_MM[paper].width - 28) * PX_PER_MM);
      const layout = paginateReportFlow(flow, (PAGE_MM[paper].height - 32) * PX_PER_MM);
      // The prediction is worth something only when no page break is a sub-pixel call.
      expect(layout.minSlack).toBeGreaterThan(2);
      // Cover, scan metadata and every card: several pages.
      expect(layout.pages).toBeGreaterThan(5);

      const res = await fetch(`${t.stack.restUrl}/scan/${jobId}/report/technical?format=pdf&paper=${paper}`, { headers: key() });
      const facts = await inspectPdf(Buffer.from(await res.arrayBuffer()));
      expect(facts.pages).toBe(layout.pages);
      const cards = flow.blocks.filter((b) => b.isCard);
      expect(cards).toHaveLength(titles.length);
      for (const card of cards) expect(pagesWith(card.title, facts.pageTexts).includes(layout.pageOf.get(card.id) as number), `${card.id} ${card.title}`).toBe(true);
    });
  });

  it('prints the executive summary on one page after the cover, on A4 and Letter', async () => {
    for (const paper of ['A4', 'Letter']) {
      const res = await fetch(`${t.stack.restUrl}/scan/${jobId}/report/executive?format=pdf&paper=${paper}`, { headers: key() });
      const facts = await inspectPdf(Buffer.from(await res.arrayBuffer()));
      expect(facts.pages, paper).toBe(2);
      expect(occurrences(facts.pageTexts[1] as string, 'What to do this week'), paper).toBe(1);
      // Twelve findings are due this week: five are top risks, five are listed, two are counted.
      expect(occurrences(facts.pageTexts[1] as string, 'And 2 more due within seven days'), paper).toBe(1);
    }
  });

  it('prints on Letter when asked', async () => {
    const res = await fetch(`${t.stack.restUrl}/scan/${jobId}/report/technical?format=pdf&paper=Letter`, { headers: key() });
    expect(res.status).toBe(200);
    expect((await inspectPdf(Buffer.from(await res.arrayBuffer()))).paperName).toBe('letter');
  });

  describe('an adapter without CHROMIUM_PATH', () => {
    let adapter: RunningServer;

    beforeAll(async () => {
      const env = restEnv.parse({
        GATEWAY_URL: t.stack.gatewayUrl,
        INTERNAL_TOKEN_SECRET: t.stack.secret,
        DATABASE_URL: t.databaseUrl,
        HOST: ADDRESS,
        REST_PORT: '0',
        LOG_LEVEL: 'warn',
        RATE_LIMIT_BURST_PER_SECOND: '100000',
        RATE_LIMIT_PER_MINUTE: '1000000',
      });
      expect(env.CHROMIUM_PATH).toBeUndefined();
      adapter = await startRestAdapter(env);
    });
    afterAll(async () => adapter?.close());

    it('answers 501 not_implemented with the instructions, and still serves the HTML', async () => {
      for (const type of TYPES) {
        const res = await fetch(`${adapter.url}/scan/${jobId}/report/${type}?format=pdf`, { headers: key() });
        expect(res.status).toBe(501);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        const body = (await res.json()) as { error: string; message: string };
        expect(body.error).toBe('not_implemented');
        // The instructions: what to set.
        expect(body.message).toContain('CHROMIUM_PATH');
      }
      const html = await fetch(`${adapter.url}/scan/${jobId}/report/technical`, { headers: key() });
      expect(html.status).toBe(200);
      expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    });
  });
});
