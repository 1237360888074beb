import { accessSync, constants, statSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { clip } from './clip.js';
import { pdfEnv, type PdfEnv } from './pdf-env.js';
import { Semaphore, SemaphoreTimeoutError } from './pdf-semaphore.js';

/** Paper sizes a report prints on (`?paper=`). */
export type PdfPaper = 'A4' | 'Letter';

export interface PdfOptions {
  paper: PdfPaper;
}

/**
 * Attributes of the report's `<html>` element the renderer reads for the running header: the
 * templates own the text, the renderer only repeats it on every page.
 */
export const PDF_TITLE_ATTR = 'data-report-title';
export const PDF_BRAND_ATTR = 'data-brand';
/** A CSS hex colour (#rgb, #rrggbb); anything else is ignored. */
export const PDF_ACCENT_ATTR = 'data-accent';
/**
 * Present (any value, e.g. "thead") when the document prints its own running header and page
 * numbers (a repeated table header, @page margin boxes): the renderer then adds none, since two
 * headers would overlap, and a browser's own Print gives the same pages as the server's PDF.
 */
export const PDF_RUNNING_HEADER_ATTR = 'data-running-header';

/**
 * Page margins when the report's CSS sets none. Chromium draws the running header and footer
 * inside these margins, so they must leave room for a line of 8px text each. An `@page { margin }`
 * in the report's CSS takes precedence (Chromium's rule), as its `size` does over `paper`
 * (preferCSSPageSize): the HTML and its PDF then paginate the same way.
 */
export const PDF_MARGINS = { top: '18mm', bottom: '16mm', left: '14mm', right: '14mm' } as const;

/** What a caller is told when no Chromium is configured (the 501 answer's `message`). */
export const PDF_UNAVAILABLE_MESSAGE =
  'PDF rendering is not configured on this server. Install Chromium (Debian: apt-get install chromium) and ' +
  'start the REST adapter with CHROMIUM_PATH set to its executable (e.g. CHROMIUM_PATH=/usr/bin/chromium), ' +
  "or open the HTML report (without ?format=pdf) and use the browser's Print > Save as PDF.";

/** Why a render failed: `unavailable` (no Chromium: 501), `timeout` (busy or slow: 503), `failed` (500). */
export type PdfErrorReason = 'unavailable' | 'timeout' | 'failed';

/** A render that produced no PDF; the message never contains report content. */
export class PdfRenderError extends Error {
  constructor(
    readonly reason: PdfErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PdfRenderError';
  }
}

let config: PdfEnv | null = null;
let semaphore: Semaphore | null = null;
let browser: Promise<Browser> | null = null;

/**
 * Sets the renderer's configuration; by default it is read from the environment on first use
 * (the same variables restEnv validates at boot). Tests and benches call this to point at a browser.
 */
export function configurePdf(values: Partial<PdfEnv>): void {
  const defaults = pdfEnv.parse({});
  config = {
    CHROMIUM_PATH: values.CHROMIUM_PATH,
    REPORT_PDF_TIMEOUT_MS: values.REPORT_PDF_TIMEOUT_MS ?? defaults.REPORT_PDF_TIMEOUT_MS,
    REPORT_PDF_CONCURRENCY: values.REPORT_PDF_CONCURRENCY ?? defaults.REPORT_PDF_CONCURRENCY,
  };
  semaphore = null;
}

function settings(): PdfEnv {
  config ??= pdfEnv.parse(process.env);
  return config;
}

function slots(): Semaphore {
  semaphore ??= new Semaphore(settings().REPORT_PDF_CONCURRENCY);
  return semaphore;
}

/** True when CHROMIUM_PATH names an executable file: `?format=pdf` can be served. */
export function pdfAvailable(): boolean {
  const path = settings().CHROMIUM_PATH;
  if (!path) return false;
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The one browser of this process, launched on first use and again after it crashed or was
 * closed. Each render gets its own context, so renders share nothing but the process.
 */
function currentBrowser(timeoutMs: number): Promise<Browser> {
  if (browser) return browser;
  const executablePath = settings().CHROMIUM_PATH as string;
  // Chromium refuses to start its sandbox as root (containers, CI); as anyone else the sandbox stays on.
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  // Docker's 64 MB /dev/shm makes large pages crash the renderer; /tmp has room.
  args.push('--disable-dev-shm-usage');
  const launching = chromium.launch({ executablePath, headless: true, args, timeout: timeoutMs });
  browser = launching;
  launching.then(
    (b) => b.on('disconnected', () => {
      if (browser === launching) browser = null;
    }),
    () => {
      if (browser === launching) browser = null;
    },
  );
  return launching;
}

/** Close the browser (adapter shutdown). A later render launches a new one. */
export async function closePdf(): Promise<void> {
  const closing = browser;
  browser = null;
  if (!closing) return;
  const b = await closing.catch(() => null);
  await b?.close().catch(() => undefined);
}

/** Escape for the header and footer templates, which Chromium parses as HTML. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Header and footer templates: brand and title on top, page x / y below, in the report's accent. */
export function pageTemplates(title: string | null, brand: string | null, accent: string | null): { headerTemplate: string; footerTemplate: string } {
  const colour = accent && /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(accent) ? accent : '#444444';
  // Templates render in their own tiny document: every style must be inline, fonts sized explicitly.
  const box = `font-family: system-ui, sans-serif; font-size: 8px; color: #555; width: 100%; margin: 0 ${PDF_MARGINS.left}; display: flex; justify-content: space-between; gap: 8px; -webkit-print-color-adjust: exact;`;
  const headerTemplate =
    `<div style="${box} border-bottom: 0.5px solid ${colour}; padding-bottom: 2px;">` +
    `<span style="color: ${colour}; font-weight: 600;">${escapeHtml(clip(brand, 80))}</span>` +
    `<span style="overflow: hidden; white-space: nowrap; text-overflow: ellipsis;">${escapeHtml(clip(title, 160))}</span></div>`;
  const footerTemplate =
    `<div style="${box}"><span>${escapeHtml(clip(title, 160))}</span>` +
    `<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`;
  return { headerTemplate, footerTemplate };
}

/**
 * Prints a self-contained HTML report to PDF in headless Chromium: JavaScript off, offline, every
 * request aborted (the report inlines its images and styles; anything else would be a tracking
 * pixel or an exfiltration channel out of hostile content). Waits at most REPORT_PDF_TIMEOUT_MS,
 * queueing behind REPORT_PDF_CONCURRENCY other renders included.
 */
export async function renderPdf(html: string, opts: PdfOptions): Promise<Buffer> {
  if (!pdfAvailable()) throw new PdfRenderError('unavailable', PDF_UNAVAILABLE_MESSAGE);
  const { REPORT_PDF_TIMEOUT_MS: timeoutMs } = settings();
  const started = Date.now();
  let release: () => void;
  try {
    release = await slots().acquire(timeoutMs);
  } catch (err) {
    if (err instanceof SemaphoreTimeoutError) throw new PdfRenderError('timeout', `no PDF slot free within ${timeoutMs} ms`);
    throw err;
  }
  const remaining = Math.max(1, timeoutMs - (Date.now() - started));
  let context: BrowserContext | null = null;
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const render = (async (): Promise<Buffer> => {
    const b = await currentBrowser(remaining);
    context = await b.newContext({ javaScriptEnabled: false, offline: true });
    if (timedOut) throw new PdfRenderError('timeout', 'render timed out');
    await context.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort('blockedbyclient')));
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load', timeout: remaining });
    const root = page.locator('html');
    const attrs = [PDF_TITLE_ATTR, PDF_BRAND_ATTR, PDF_ACCENT_ATTR, PDF_RUNNING_HEADER_ATTR];
    const [title, brand, accent, ownHeader] = await Promise.all(attrs.map((a) => root.getAttribute(a, { timeout: remaining })));
    return page.pdf({
      format: opts.paper,
      printBackground: true,
      preferCSSPageSize: true,
      ...(ownHeader === null ? { displayHeaderFooter: true, ...pageTemplates(title, brand, accent) } : { displayHeaderFooter: false }),
      margin: PDF_MARGINS,
      outline: true,
      tagged: true,
    });
  })();
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new PdfRenderError('timeout', `PDF render took longer than ${timeoutMs} ms`));
    }, remaining);
  });
  try {
    return await Promise.race([render, deadline]);
  } catch (err) {
    if (err instanceof PdfRenderError) throw err;
    throw new PdfRenderError('failed', 'PDF render failed', { cause: err });
  } finally {
    clearTimeout(timer);
    // Closing the context aborts whatever the render still had in flight (after a timeout) and frees its memory.
    render.catch(() => undefined);
    const open = context as BrowserContext | null;
    await open?.close().catch(() => undefined);
    // A context created after the deadline fired is closed when it resolves.
    if (!open) void render.finally(() => (context as BrowserContext | null)?.close().catch(() => undefined)).catch(() => undefined);
    release();
  }
}

/** Renders in progress and queued, for health checks and benches. */
export function pdfStats(): { active: number; queued: number; browser: boolean } {
  return { ...slots().stats, browser: browser !== null };
}
