import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';

/**
 * Reading PDFs back (poppler's pdfinfo and pdftotext) and measuring report layout in Chromium
 * before printing, for the reports' print tests.
 */
const run = promisify(execFile);

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** CSS pixels per millimetre: Chromium prints at 96 px to the inch. */
export const PX_PER_MM = 96 / 25.4;
/** Paper as playwright-core sizes it (`format`), in mm: its A4 is 8.27 x 11.7 in, a hair off ISO's 210 x 297 mm. */
export const PAPER_MM = { A4: { width: 8.27 * 25.4, height: 11.7 * 25.4 }, Letter: { width: 8.5 * 25.4, height: 11 * 25.4 } } as const;

export interface PdfFacts {
  pages: number;
  /** pdfinfo's name for the page size: 'A4', 'letter', or '' when it has none. */
  paperName: string;
  /** Page size in points, from pdfinfo. */
  width: number;
  height: number;
  /** One entry per page, as pdftotext extracted it. */
  pageTexts: string[];
}

/** Page count, page size and the text of each page. */
export async function inspectPdf(pdf: Buffer): Promise<PdfFacts> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-pdf-'));
  try {
    const file = path.join(dir, 'report.pdf');
    await writeFile(file, pdf);
    const info = (await run('pdfinfo', [file])).stdout;
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
    const size = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(info);
    if (!pages || !size) throw new Error(`pdfinfo said:\n${info}`);
    // pdftotext ends every page with a form feed.
    const text = (await run('pdftotext', ['-enc', 'UTF-8', file, '-'], { maxBuffer: 64 * 1024 * 1024 })).stdout;
    const pageTexts = text.split('\f').slice(0, pages);
    const paperName = /^Page size:.*\((\w+)\)/m.exec(info)?.[1] ?? '';
    return { pages, paperName, width: Number(size[1]), height: Number(size[2]), pageTexts };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Text with every whitespace and hyphen removed: line wrapping in the PDF and in the DOM then
 * compare equal (pdftotext joins a word hyphenated at a line end and drops its hyphen).
 */
export const squash = (text: string): string => text.replace(/[\s\u00ad-]+/g, '');

/** How many times `needle` occurs in `haystack` (both squashed). */
export function occurrences(haystack: string, needle: string): number {
  const h = squash(haystack);
  const n = squash(needle);
  if (!n) throw new Error('empty needle');
  let count = 0;
  for (let at = h.indexOf(n); at >= 0; at = h.indexOf(n, at + n.length)) count++;
  return count;
}

/** A block of the report in continuous (unpaginated) print layout, CSS px. */
export interface MeasuredBlock {
  id: string;
  top: number;
  bottom: number;
  title: string;
  /** The block's rendered text, one entry per line or table cell. */
  lines: string[];
  isCard: boolean;
}

/**
 * Opens the HTML in a fresh context laid out with print media at the width of the page's content
 * box (continuous, not paginated), runs `measure` in the page and closes the context.
 */
async function inPrintLayout<T>(browser: Browser, html: string, contentWidthPx: number, measure: (selector: string) => T, selector = ''): Promise<T> {
  const context = await browser.newContext({ viewport: { width: Math.round(contentWidthPx), height: 800 }, offline: true });
  try {
    const page = await context.newPage();
    await page.emulateMedia({ media: 'print' });
    await page.setContent(html, { waitUntil: 'load' });
    return await page.evaluate(measure, selector);
  } finally {
    await context.close();
  }
}

/**
 * Lays the HTML out with print media at the width of the page's content box and measures every
 * element matching `selector`, in document order. Margins come from the caller (the renderer's
 * PDF_MARGINS unless the report's CSS sets its own).
 */
export function measureBlocks(browser: Browser, html: string, contentWidthPx: number, selector = 'article.finding-card'): Promise<MeasuredBlock[]> {
  return inPrintLayout(
    browser,
    html,
    contentWidthPx,
    (sel) =>
      Array.from(document.querySelectorAll<HTMLElement>(sel)).map((el, i) => {
        const box = el.getBoundingClientRect();
        const heading = el.querySelector<HTMLElement>('.finding-title, h1, h2, h3, h4');
        return {
          id: el.dataset.findingId ?? `block-${i}`,
          top: box.top + window.scrollY,
          bottom: box.bottom + window.scrollY,
          title: (heading?.innerText ?? '').trim(),
          lines: el.innerText.split(/[\n\t]+/).map((l) => l.trim()).filter((l) => l.length > 0),
          isCard: el.matches('article.finding-card'),
        };
      }),
    selector,
  );
}

/** A block of a report's flow, measured as `measureReportFlow` does. */
export interface FlowBlock extends MeasuredBlock {
  /** `break-after: avoid` (headings): the block moves to the next page with the block after it. */
  keepWithNext: boolean;
}

export interface ReportFlow {
  /** Height of the running header (the frame's repeated `thead`) and the cell's top padding, px. */
  headerPx: number;
  /** Where the flow starts: the top of the frame cell's content box (document px). */
  startPx: number;
  blocks: FlowBlock[];
}

/**
 * Measures a report of our templates in continuous print layout: the running header the frame
 * table repeats on every page after the cover, and the blocks of its content in document order.
 * A `section.group` is opened up into its heading and cards, the places a page may break.
 */
export function measureReportFlow(browser: Browser, html: string, contentWidthPx: number): Promise<ReportFlow> {
  return inPrintLayout(browser, html, contentWidthPx, () => {
    const frame = document.querySelector<HTMLElement>('table.frame');
    const cell = document.querySelector<HTMLElement>('table.frame > tbody > tr > td');
    if (!frame || !cell) throw new Error('not a report of our templates: no table.frame');
    const padTop = parseFloat(getComputedStyle(cell).paddingTop);
    const cellTop = cell.getBoundingClientRect().top + window.scrollY + padTop;
    const frameTop = frame.getBoundingClientRect().top + window.scrollY;
    const flat = Array.from(cell.children).flatMap((el) => (el.matches('section.group') ? Array.from(el.children) : [el])) as HTMLElement[];
    const blocks = flat.map((el, i) => {
      const box = el.getBoundingClientRect();
      const heading = el.matches('h1, h2, h3') ? el : el.querySelector<HTMLElement>('.finding-title, h1, h2, h3, h4');
      return {
        id: el.dataset.findingId ?? el.id ?? `block-${i}`,
        top: box.top + window.scrollY,
        bottom: box.bottom + window.scrollY,
        title: (heading?.innerText ?? '').trim(),
        lines: el.innerText.split(/[\n\t]+/).map((l) => l.trim()).filter((l) => l.length > 0),
        isCard: el.matches('article.finding-card'),
        keepWithNext: getComputedStyle(el).breakAfter === 'avoid',
      };
    });
    return { headerPx: cellTop - frameTop, startPx: cellTop, blocks };
  });
}

export interface Pagination {
  /** Page (1-based) each block lands on. */
  pageOf: Map<string, number>;
  pages: number;
  /** Closest call in px between "fits" and "does not fit": a fixture is only trusted when this is > 1. */
  minSlack: number;
}

/**
 * Where Chromium puts unbreakable blocks on pages with `roomPx` for content: a block that does not
 * fit in what is left of the page moves to the next one, and the margin before it is truncated
 * there (CSS Fragmentation §5.2); a block that keeps with the next (`break-after: avoid`) moves
 * with it. The flow starts at `startPx` on page `firstPage`. Only valid for a flow of such blocks.
 */
function layOut(blocks: (MeasuredBlock & { keepWithNext?: boolean })[], roomPx: number, startPx: number, firstPage: number): Pagination & { usedPx: number } {
  const pageOf = new Map<string, number>();
  let page = firstPage;
  let y = 0;
  let previousBottom = startPx;
  let minSlack = Infinity;
  for (let i = 0; i < blocks.length; i++) {
    // A run of keep-with-next blocks and the block they keep with moves as one.
    let j = i;
    while (blocks[j]!.keepWithNext && j + 1 < blocks.length) j++;
    const first = blocks[i]!;
    const last = blocks[j]!;
    const height = last.bottom - first.top;
    if (height > roomPx) throw new Error(`${first.id}…${last.id} is ${height}px, taller than a page's room (${roomPx}px): it must split`);
    const end = y + (first.top - previousBottom) + height;
    minSlack = Math.min(minSlack, Math.abs(roomPx - end));
    if (end <= roomPx) {
      y = end;
    } else {
      page++;
      y = height;
    }
    for (const block of blocks.slice(i, j + 1)) pageOf.set(block.id, page);
    previousBottom = last.bottom;
    i = j;
  }
  return { pageOf, pages: page, minSlack, usedPx: y };
}

/**
 * Where Chromium puts the unbreakable blocks of a plain document on pages of `pageHeightPx`, the
 * first block starting page 1. Whatever follows the last block (`trailingPx`: padding, a footer
 * line) may itself start a page.
 */
export function paginate(blocks: MeasuredBlock[], pageHeightPx: number, trailingPx = 0): Pagination {
  const { usedPx, ...layout } = layOut(blocks, pageHeightPx, 0, 1);
  return trailingPx > 0 && usedPx + trailingPx > pageHeightPx ? { ...layout, pages: layout.pages + 1 } : layout;
}

/**
 * Where Chromium puts a report's flow on the pages after the cover: each page holds the running
 * header, then blocks while they fit. Returns the page (1-based, counting the cover) of every
 * block; throws on a block taller than a page's room.
 */
export function paginateReportFlow(flow: ReportFlow, pageHeightPx: number): Pagination {
  const { usedPx: _used, ...layout } = layOut(flow.blocks, pageHeightPx - flow.headerPx, flow.startPx, 2);
  return layout;
}

/**
 * The pages whose text holds every line of `block`. A card printed whole is on one of them; a card
 * split across pages is on none (its lines are spread over two pages).
 */
export function pagesHoldingAll(block: MeasuredBlock, pageTexts: string[]): number[] {
  const lines = block.lines.map(squash);
  return pageTexts.map(squash).flatMap((text, i) => (lines.every((l) => text.includes(l)) ? [i + 1] : []));
}

/** The pages on which `text` occurs. */
export function pagesWith(text: string, pageTexts: string[]): number[] {
  const needle = squash(text);
  return pageTexts.map(squash).flatMap((t, i) => (t.includes(needle) ? [i + 1] : []));
}
