import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { REPO_ROOT } from '../../../lib/paths.js';
import type { BaseView, ReportKind } from './view-model.js';

/** Where the templates live (read from the source tree, as the committed operations are). */
export const TEMPLATES_DIR = path.join(REPO_ROOT, 'rest-adapter', 'src', 'reports', 'templates');
const PARTIALS = ['styles', 'notice', 'severity-chart', 'trend-chart', 'executive', 'technical', 'compliance'] as const;

/**
 * One isolated Handlebars environment, compiled once: escaping on (the default, and `noEscape`
 * is never set), no prototype access, and no triple-stash anywhere in the templates (a test
 * reads them to prove it). Every value a target, a client or an account wrote is data and is
 * escaped where it lands; only our own templates are markup.
 */
function compile(): Handlebars.TemplateDelegate<BaseView> {
  const hb = Handlebars.create();
  hb.registerHelper('eqOne', (n: unknown) => n === 1);
  for (const name of PARTIALS) hb.registerPartial(name, readFileSync(path.join(TEMPLATES_DIR, `${name}.hbs`), 'utf8'));
  return hb.compile<BaseView>(readFileSync(path.join(TEMPLATES_DIR, 'layout.hbs'), 'utf8'), { strict: false, noEscape: false, preventIndent: true });
}

let layout: Handlebars.TemplateDelegate<BaseView> | null = null;

/** A rendered report and the Content-Security-Policy that allows exactly its one stylesheet. */
export interface RenderedReport {
  html: string;
  csp: string;
}

const STYLE = /<style>([\s\S]*?)<\/style>/;

/**
 * CSP of a report: nothing loads (default-src 'none'), no script at all, images only as data:
 * URLs (the logo, validated), and the one inline stylesheet by its hash, so a style element or
 * attribute that slipped into the page would not apply either.
 */
export function reportCsp(html: string): string {
  const css = STYLE.exec(html)?.[1] ?? '';
  const hash = createHash('sha256').update(css, 'utf8').digest('base64');
  return `default-src 'none'; style-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

export function renderReport(view: BaseView & { kind: ReportKind }): RenderedReport {
  layout ??= compile();
  const html = layout(view, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
  return { html, csp: reportCsp(html) };
}
