/**
 * A report-like page of our own for the PDF renderer's tests: a heading and finding cards whose
 * heights vary with their content (steps, evidence lines), none taller than a page. Lines are
 * short so no text wraps: the layout is the same at any page width the tests use.
 */
export const FIXTURE_TITLE = 'Technical report — Acme <Corp> & "friends"';
export const FIXTURE_BRAND = 'Fixture Security';

export interface FixtureCard {
  id: string;
  title: string;
}

const escape = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

export function fixtureCards(count: number): FixtureCard[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(3, '0');
    // One hostile-looking title: it must print as text.
    const title = i === 2 ? `Finding ${n}: banner says <script>alert(1)</script>` : `Finding ${n}: exposure number ${n}`;
    return { id: `f-${n}`, title };
  });
}

export function fixtureHtml(cards: FixtureCard[], extraBody = ''): string {
  const body = cards
    .map((card, i) => {
      const n = card.id.slice(2);
      const steps = 1 + ((i * 7) % 13);
      const evidence = (i * 5) % 9;
      const items = Array.from({ length: steps }, (_, s) => `<li>Step ${n}.${s + 1} do this</li>`).join('');
      const pre = evidence ? `<pre>${Array.from({ length: evidence }, (_, e) => `evidence ${n}/${e + 1}`).join('\n')}</pre>` : '';
      return (
        `<article class="finding-card" data-finding-id="${card.id}"><h3 class="finding-title">${escape(card.title)}</h3>` +
        `<ul>${items}</ul>${pre}<p class="end">End of finding ${n}</p></article>`
      );
    })
    .join('\n');
  return `<!doctype html>
<html lang="en" data-report-title="${escape(FIXTURE_TITLE)}" data-brand="${escape(FIXTURE_BRAND)}" data-accent="#0a7d5a">
<head><meta charset="utf-8"><title>${escape(FIXTURE_TITLE)}</title>
<style>
  body { margin: 0; font: 12px/16px 'DejaVu Sans', sans-serif; }
  h1.block { margin: 0 0 12px; height: 40px; font-size: 20px; line-height: 40px; }
  article.finding-card { break-inside: avoid; border: 1px solid #888; padding: 8px; margin: 0 0 12px; background: #f4f7f6; }
  article.finding-card h3 { margin: 0 0 4px; font-size: 14px; line-height: 18px; white-space: nowrap; }
  ul { margin: 0; padding-left: 16px; }
  li { line-height: 16px; }
  pre { margin: 4px 0; font: 11px/14px 'DejaVu Sans Mono', monospace; }
  p { margin: 0; }
</style></head>
<body><h1 class="block" data-finding-id="heading">Fixture findings</h1>
${body}
${extraBody}</body></html>`;
}
