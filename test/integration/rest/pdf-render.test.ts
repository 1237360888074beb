import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { configurePdf, closePdf, PDF_MARGINS, renderPdf, type PdfPaper } from '../../../rest-adapter/src/reports/pdf.js';
import { CHROMIUM, inspectPdf, measureBlocks, occurrences, PAPER_MM, paginate, pagesHoldingAll, pagesWith, PX_PER_MM } from '../../support/pdf-inspect.js';
import { FIXTURE_BRAND, FIXTURE_TITLE, fixtureCards, fixtureHtml } from './pdf-fixture.js';

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
