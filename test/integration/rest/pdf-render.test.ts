import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { configurePdf, closePdf, PDF_MARGINS, renderPdf, type PdfPaper } from '../../../rest-adapter/src/reports/pdf.js';
import { CHROMIUM, inspectPdf, measureBlocks, occurrences, PAPER_MM, paginate, pagesHoldingAll, pagesWith, PX_PER_MM } from '../../support/pdf-inspect.js';
import { renderReport } from '../../../rest-adapter/src/reports/render.js';
import { executiveView } from '../../../rest-adapter/src/reports/view-model.js';
import { FIXTURE_BRAND, FIXTURE_TITLE, fixtureCards, fixtureHtml } from './pdf-fixture.js';
import { data, finding } from './report-data-fixture.js';

/**
 * The PDF renderer against Debian's chromium with a fixture of our own: page count and card
 * placement predicted from positions measured in the same Chromium before printing, then read
 * back from the PDF with pdfinfo and pdftotext.
 */
const mm = (value: string): number => Number(value.replace('mm', ''));
const CARDS = fixtureCards(40);
const HTML = fixtureHtml(CARDS);

let measuring: Browser;

beforeAll(async () => {
  configurePdf({ CHROMIUM_PATH: CHROMIUM });
  measuring = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
});

afterAll(async () => {
  await measuring?.close();
  await closePdf();
});

describe.each<PdfPaper>(['A4', 'Letter'])('a %s PDF of finding cards', (paper) => {
  const contentWidth = (PAPER_MM[paper].width - mm(PDF_MARGINS.left) - mm(PDF_MARGINS.right)) * PX_PER_MM;
  const contentHeight = (PAPER_MM[paper].height - mm(PDF_MARGINS.top) - mm(PDF_MARGINS.bottom)) * PX_PER_MM;

  it('has the page count computed from the cards measured before printing, each card whole on its page', async () => {
    const blocks = await measureBlocks(measuring, HTML, contentWidth, 'h1.block, article.finding-card');
    expect(blocks.filter((b) => b.isCard)).toHaveLength(CARDS.length);
    const heights = blocks.filter((b) => b.isCard).map((b) => b.bottom - b.top);
    // The fixture is worth something only if heights vary and no page break is a sub-pixel call.
    expect(Math.max(...heights) - Math.min(...heights)).toBeGreaterThan(150);
    const layout = paginate(blocks, contentHeight);
    expect(layout.minSlack).toBeGreaterThan(1);
    expect(layout.pages).toBeGreaterThan(4);

    const pdf = await renderPdf(HTML, { paper });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const facts = await inspectPdf(pdf);
    expect(facts.pages).toBe(layout.pages);
    expect(facts.paperName.toLowerCase()).toBe(paper.toLowerCase());
    expect(Math.abs(facts.width - (PAPER_MM[paper].width / 25.4) * 72)).toBeLessThan(1);
    expect(Math.abs(facts.height - (PAPER_MM[paper].height / 25.4) * 72)).toBeLessThan(1);

    const all = facts.pageTexts.join('\n');
    for (const block of blocks.filter((b) => b.isCard)) {
      expect(occurrences(all, block.title), block.title).toBe(1);
      const expected = layout.pageOf.get(block.id);
      expect(pagesWith(block.title, facts.pageTexts), block.id).toEqual([expected]);
      // Every line of the card, first to last, is on the page its title is on: nothing spilled over.
      expect(pagesHoldingAll(block, facts.pageTexts), block.id).toEqual([expected]);
    }
  });

  it('repeats the brand, the escaped title and "page / pages" on every page', async () => {
    const facts = await inspectPdf(await renderPdf(HTML, { paper }));
    facts.pageTexts.forEach((text, i) => {
      expect(occurrences(text, FIXTURE_BRAND), `page ${i + 1}`).toBe(1);
      // Once in the header, once in the footer: printed as text, not parsed as markup.
      expect(occurrences(text, FIXTURE_TITLE), `page ${i + 1}`).toBe(2);
      expect(occurrences(text, `${i + 1} / ${facts.pages}`), `page ${i + 1}`).toBeGreaterThanOrEqual(1);
    });
  });
});

describe('a document with its own running header', () => {
  it('gets no second header or footer from the renderer', async () => {
    const own = '<style>@page { @bottom-right { content: "Sheet " counter(page) " of " counter(pages); } }</style>';
    const html = fixtureHtml(CARDS, own).replace('<html lang="en"', '<html lang="en" data-running-header="css"');
    const facts = await inspectPdf(await renderPdf(html, { paper: 'A4' }));
    expect(facts.pages).toBeGreaterThan(1);
    facts.pageTexts.forEach((text, i) => {
      expect(occurrences(text, FIXTURE_BRAND), `page ${i + 1}`).toBe(0);
      expect(occurrences(text, `Sheet ${i + 1} of ${facts.pages}`), `page ${i + 1}`).toBe(1);
    });
  });
});

describe('the executive summary', () => {
  // The longest it gets: a long target, a trend of eight scans, five known-exploited top risks
  // with the longest titles and places, and a hundred more findings due this week.
  const long = (word: string, length: number): string => `${word} `.repeat(Math.ceil(length / (word.length + 1))).slice(0, length);
  const target = `https://${long('subdomain', 120).replace(/ /g, '.')}.example/${long('path', 300).replace(/ /g, '/')}`;
  const findings = [
    ...Array.from({ length: 5 }, () =>
      finding({ severity: 'CRITICAL', title: long('Remote code execution in the administration interface', 400), target, location: long('/cgi-bin/admin', 200), kevFlagged: true, knownRansomwareUse: true, epssScore: 0.97, fixfirstPriority: 'critical', fixfirstScore: 9.9, fixUrgency: 'immediate', cveIds: ['CVE-2024-3400'] }),
    ),
    ...Array.from({ length: 100 }, () => finding({ severity: 'HIGH', title: long('Outdated server software with known flaws', 300), target, location: long('/status', 120), fixfirstPriority: 'high', fixfirstScore: 8.1, fixUrgency: 'urgent' })),
  ];
  const worst = data(findings, { target });
  worst.history = Array.from({ length: 8 }, (_, i) => ({
    id: i === 7 ? worst.scan.id : `past-${i}`,
    target,
    status: 'COMPLETED',
    createdAt: `2025-0${1 + (i % 9)}-01T00:00:00Z`,
    completedAt: null,
    client: { id: 'c1' },
    findingsSummary: i === 7 ? worst.scan.findingsSummary : { total: 40 + i * 9, critical: 3 + i, high: 10 + i * 8, medium: 20, low: 7, info: 0 },
  }));

  it.each<PdfPaper>(['A4', 'Letter'])('prints on one page after the cover on %s, at its longest', async (paper) => {
    const view = executiveView(worst, paper);
    expect(view.trend?.columns).toHaveLength(8);
    expect(view.topRisks).toHaveLength(5);
    const { html } = renderReport(view);
    const facts = await inspectPdf(await renderPdf(html, { paper }));
    expect(facts.pages).toBe(2);
    const summary = facts.pageTexts[1] as string;
    for (const heading of ['Overall rating', 'Top risks', 'What to do this week']) expect(occurrences(summary, heading), heading).toBe(1);
    // The last line of the page made it onto the page.
    expect(occurrences(summary, 'the worst priority still open decides')).toBe(1);
    // The five top risks are due this week; five more are listed and the other 95 counted.
    expect(occurrences(summary, 'And 95 more due within seven days')).toBe(1);
  });
});
