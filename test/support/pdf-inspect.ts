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
 * Lays the HTML out with print media at the width of the page's content box and measures every
 * element matching `selector`, in document order. Margins come from the caller (the renderer's
 * PDF_MARGINS unless the report's CSS sets its own).
 */
export async function measureBlocks(browser: Browser, html: string, contentWidthPx: number, selector = 'article.finding-card'): Promise<MeasuredBlock[]> {
  const context = await browser.newContext({ viewport: { width: Math.round(contentWidthPx), height: 800 }, offline: true });
  try {
    const page = await context.newPage();
    await page.emulateMedia({ media: 'print' });
    await page.setContent(html, { waitUntil: 'load' });
    return await page.evaluate((sel) => {
      return Array.from(document.querySelectorAll<HTMLElement>(sel)).map((el, i) => {
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
      });
    }, selector);
  } finally {
    await context.close();
  }
}

export interface Pagination {
  /** Page (1-based) each block lands on. */
  pageOf: Map<string, number>;
  pages: number;
  /** Closest call in px between "fits" and "does not fit": a fixture is only trusted when this is > 1. */
  minSlack: number;
}

/**
 * Where Chromium puts unbreakable blocks on pages of `pageHeightPx`: a block that does not fit in
 * what is left of the page moves to the next one, and the margin before it is truncated there
 * (CSS Fragmentation §5.2). Only valid for a document that is a plain sequence of such blocks.
 */
export function paginate(blocks: MeasuredBlock[], pageHeightPx: number, trailingPx = 0): Pagination {
  const pageOf = new Map<string, number>();
  let page = 1;
  let y = 0;
  let previousBottom = 0;
  let minSlack = Infinity;
  for (const block of blocks) {
    const height = block.bottom - block.top;
    if (height > pageHeightPx) throw new Error(`${block.id} is ${height}px, taller than a page (${pageHeightPx}px): it must split`);
    const gap = block.top - previousBottom;
    const end = y + gap + height;
    minSlack = Math.min(minSlack, Math.abs(pageHeightPx - end));
    if (end <= pageHeightPx) {
      y = end;
    } else {
      page++;
      y = height;
    }
    pageOf.set(block.id, page);
    previousBottom = block.bottom;
  }
  // Whatever follows the last block (padding, a footer line) may itself start a page.
  if (trailingPx > 0 && y + trailingPx > pageHeightPx) page++;
  return { pageOf, pages: page, minSlack };
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
export async function measureReportFlow(browser: Browser, html: string, contentWidthPx: number): Promise<ReportFlow> {
  const context = await browser.newContext({ viewport: { width: Math.round(contentWidthPx), height: 800 }, offline: true });
  try {
    const page = await context.newPage();
    await page.emulateMedia({ media: 'print' });
    await page.setContent(html, { waitUntil: 'load' });
    return await page.evaluate(() => {
      const frame = document.querySelector<HTMLElement>('table.frame');
      const cell = document.querySelector<HTMLElement>('table.frame > tbody > tr > td');
      if (!frame || !cell) throw new Error('not a report of our templates: no table.frame');
      const padTop = parseFloat(getComputedStyle(cell).paddingTop);
      const cellTop = cell.getBoundingClientRect().top + window.scrollY + padTop;
      const frameTop = frame.getBoundingClientRect().top + window.scrollY;
      const flat = Array.from(cell.children).flatMap((el) => (el.matches('section.group') ? Array.from(el.children) : [el])) as HTMLElement[];
      const blocks = flat.map((el, i) => {
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        const heading = el.matches('h1, h2, h3') ? el : el.querySelector<HTMLElement>('.finding-title, h1, h2, h3, h4');
        return {
          id: el.dataset.findingId ?? el.id ?? `block-${i}`,
          top: box.top + window.scrollY,
          bottom: box.bottom + window.scrollY,
          title: (heading?.innerText ?? '').trim(),
          lines: el.innerText.split(/[\n\t]+/).map((l) => l.trim()).filter((l) => l.length > 0),
          isCard: el.matches('article.finding-card'),
          keepWithNext: style.breakAfter === 'avoid',
        };
      });
      return { headerPx: cellTop - frameTop, startPx: cellTop, blocks };
    });
  } finally {
    await context.close();
  }
}

/**
 * Where Chromium puts a report's flow on the pages after the cover: each page holds the running
 * header, then blocks while they fit; a block that does not fit starts the next page (its top
 * margin truncated there), and a heading that keeps with the next block goes with it. Returns the
 * page (1-based, counting the cover) of every block. Only valid for flows of unbreakable blocks,
 * each smaller than a page: it throws on a block taller than a page.
 */
export function paginateReportFlow(flow: ReportFlow, pageHeightPx: number): Pagination {
  const room = pageHeightPx - flow.headerPx;
  const pageOf = new Map<string, number>();
  let page = 2;
  let y = 0;
  let previousBottom = flow.startPx;
  let minSlack = Infinity;
  const blocks = flow.blocks;
  for (let i = 0; i < blocks.length; i++) {
    // A run of keep-with-next blocks and the block they keep with moves as one.
    let j = i;
    while (blocks[j]!.keepWithNext && j + 1 < blocks.length) j++;
    const run = blocks.slice(i, j + 1);
    const first = run[0]!;
    const last = run[run.length - 1]!;
    const margin = first.top - previousBottom;
    const height = last.bottom - first.top;
    if (height > room) throw new Error(`${first.id}…${last.id} is ${height}px, taller than a page's room (${room}px)`);
    const end = y + margin + height;
    minSlack = Math.min(minSlack, Math.abs(room - end));
    if (end <= room) {
      y = end;
    } else {
      page++;
      y = height;
    }
    for (const block of run) pageOf.set(block.id, page);
    previousBottom = last.bottom;
    i = j;
  }
  return { pageOf, pages: page, minSlack };
}
