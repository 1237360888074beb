import { closePdf, configurePdf, renderPdf, type PdfPaper } from '../rest-adapter/src/reports/pdf.js';

export interface ReportPdfTiming {
  renders: number;
  /** The first render, browser launch included. */
  coldMs: number;
  p50Ms: number;
  p99Ms: number;
  /** Size of the last PDF. */
  bytes: number;
}

/**
 * Times renderPdf of one HTML report (`npm run bench` calls it with the 500-finding technical
 * report): a cold render that launches Chromium, then `renders` sequential warm ones.
 * CHROMIUM_PATH defaults to Debian's /usr/bin/chromium here; the bench is the only caller that
 * may assume it.
 */
export async function reportPdfBench(html: string, opts: { renders?: number; paper?: PdfPaper; chromiumPath?: string } = {}): Promise<ReportPdfTiming> {
  const renders = opts.renders ?? 20;
  const paper = opts.paper ?? 'A4';
  configurePdf({ CHROMIUM_PATH: opts.chromiumPath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', REPORT_PDF_TIMEOUT_MS: 600_000 });
  try {
    let started = performance.now();
    let pdf = await renderPdf(html, { paper });
    const coldMs = performance.now() - started;
    const samples: number[] = [];
    for (let i = 0; i < renders; i++) {
      started = performance.now();
      pdf = await renderPdf(html, { paper });
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    const at = (q: number): number => Math.round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] as number);
    return { renders, coldMs: Math.round(coldMs), p50Ms: at(0.5), p99Ms: at(0.99), bytes: pdf.length };
  } finally {
    await closePdf();
  }
}
