import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePdf, configurePdf, PDF_UNAVAILABLE_MESSAGE, pdfAvailable, pdfStats, renderPdf } from '../../../rest-adapter/src/reports/pdf.js';
import { eventually } from '../../support/graphql.js';
import { CHROMIUM, inspectPdf, occurrences } from '../../support/pdf-inspect.js';
import { fixtureCards, fixtureHtml } from './pdf-fixture.js';

/**
 * What the renderer refuses to do with hostile report content (run script, fetch anything), and
 * how it behaves when Chromium is missing, slow or crashes.
 */
const HOST = '127.0.0.67';
const run = promisify(execFile);
let server: http.Server;
let base: string;
const hits: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/css' }).end('body { background: red }');
  });
  await new Promise<void>((r) => server.listen(0, HOST, () => r()));
  base = `http://${HOST}:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await closePdf();
  await new Promise<void>((r) => server.close(() => r()));
});

/** Chromium processes this test process started (the renderer's browser), by pid. */
async function ourChromiumPids(): Promise<number[]> {
  const { stdout } = await run('ps', ['-eo', 'pid=,ppid=,comm=']);
  const rows = stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
  return rows.filter(([, ppid, comm]) => Number(ppid) === process.pid && /chrom/.test(comm ?? '')).map(([pid]) => Number(pid));
}

describe('renderPdf with hostile content', () => {
  beforeAll(() => configurePdf({ CHROMIUM_PATH: CHROMIUM }));

  it('runs no script and sends no request, whatever the HTML references', async () => {
    const hostile = `
      <script>document.body.insertAdjacentText('beforeend', 'SCRIPT-RAN')</script>
      <img src="${base}/img" alt="">
      <link rel="stylesheet" href="${base}/link.css">
      <style>@import url("${base}/import.css"); .x { background: url("${base}/bg.png"); } @font-face { font-family: x; src: url("${base}/font.woff"); }</style>
      <div class="x" style="font-family: x">styled</div>
      <iframe src="${base}/frame"></iframe>
      <object data="${base}/object"></object>
      <video poster="${base}/poster"></video>
      <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="inline">`;
    const pdf = await renderPdf(fixtureHtml(fixtureCards(3), hostile), { paper: 'A4' });
    const text = (await inspectPdf(pdf)).pageTexts.join('\n');
    expect(occurrences(text, 'Finding 001')).toBe(1);
    expect(text).not.toContain('SCRIPT-RAN');
    // The title with a <script> in it prints as text.
    expect(occurrences(text, 'banner says <script>alert(1)</script>')).toBe(1);
    expect(hits).toEqual([]);
  });

  it('repeats no markup from the title attributes in the running header', async () => {
    const html = fixtureHtml(fixtureCards(1)).replace(
      /data-report-title="[^"]*"/,
      'data-report-title="&lt;img src=&quot;' + base + '/header&quot;&gt;&lt;b&gt;bold&lt;/b&gt;"',
    );
    const text = (await inspectPdf(await renderPdf(html, { paper: 'Letter' }))).pageTexts.join('\n');
    expect(occurrences(text, `<img src="${base}/header"><b>bold</b>`)).toBe(2);
    expect(hits).toEqual([]);
  });
});

describe('renderPdf when Chromium is missing, slow or gone', () => {
  it('is unavailable without CHROMIUM_PATH, or when it names no executable', async () => {
    configurePdf({});
    expect(pdfAvailable()).toBe(false);
    await expect(renderPdf('<p>x</p>', { paper: 'A4' })).rejects.toMatchObject({ reason: 'unavailable', message: PDF_UNAVAILABLE_MESSAGE });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-nochrome-'));
    try {
      const file = path.join(dir, 'chromium');
      await writeFile(file, '#!/bin/sh\n');
      await chmod(file, 0o644);
      configurePdf({ CHROMIUM_PATH: file });
      expect(pdfAvailable()).toBe(false);
      configurePdf({ CHROMIUM_PATH: dir });
      expect(pdfAvailable()).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    configurePdf({ CHROMIUM_PATH: CHROMIUM });
    expect(pdfAvailable()).toBe(true);
  });

  it('gives up on a render past REPORT_PDF_TIMEOUT_MS and still renders afterwards', async () => {
    configurePdf({ CHROMIUM_PATH: CHROMIUM, REPORT_PDF_TIMEOUT_MS: 1_000, REPORT_PDF_CONCURRENCY: 1 });
    // Tens of thousands of table rows take Chromium well over a second to lay out and print.
    const rows = Array.from({ length: 60_000 }, (_, i) => `<tr><td>row ${i}</td><td>${'cell '.repeat(8)}</td></tr>`).join('');
    const started = Date.now();
    const slow = renderPdf(`<table>${rows}</table>`, { paper: 'A4' });
    // Queued behind the slow one with one slot: its wait counts against the same deadline.
    const queued = renderPdf('<p>queued</p>', { paper: 'A4' });
    await Promise.all([expect(slow).rejects.toMatchObject({ reason: 'timeout' }), expect(queued).rejects.toMatchObject({ reason: 'timeout' })]);
    expect(Date.now() - started).toBeLessThan(5_000);
    await eventually(async () => pdfStats().active === 0 && pdfStats().queued === 0, 5_000, 'the PDF slots to free up');
    configurePdf({ CHROMIUM_PATH: CHROMIUM });
    const text = (await inspectPdf(await renderPdf(fixtureHtml(fixtureCards(2)), { paper: 'A4' }))).pageTexts.join('\n');
    expect(occurrences(text, 'Finding 002')).toBe(1);
  });

  it('launches a new browser after the one it had crashed', async () => {
    configurePdf({ CHROMIUM_PATH: CHROMIUM });
    await renderPdf('<p>first</p>', { paper: 'A4' });
    const pids = await ourChromiumPids();
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await eventually(async () => !pdfStats().browser, 5_000, 'the renderer to notice its browser died');
    const text = (await inspectPdf(await renderPdf('<p>after the crash</p>', { paper: 'A4' }))).pageTexts.join('\n');
    expect(occurrences(text, 'after the crash')).toBe(1);
    const relaunched = await ourChromiumPids();
    expect(relaunched.some((pid) => !pids.includes(pid))).toBe(true);
  });
});
