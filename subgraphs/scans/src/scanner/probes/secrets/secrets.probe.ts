import type { Probe, ProbeContext, ProbeFinding } from '../../check.js';
import type { PageSnapshot } from '../../page.js';
import { findSecrets, SECRET_KINDS } from './secret-patterns.js';
import { inlineScriptRanges, positionFinder, textsOfPage, type ScannedText } from './secret-sources.js';
import { SECRET_CHECKS } from './secrets.checks.js';

/**
 * Credentials any visitor can read: in the page's HTML and inline scripts, and in the same-origin
 * scripts, stylesheets and source maps it loads. Reads only the shared page snapshot.
 */
export const secretsProbe: Probe = {
  id: 'secrets',
  title: 'Secrets in pages, scripts and source maps',
  checks: SECRET_CHECKS,
  mode: 'PASSIVE',
  profile: 'STANDARD',
  async run(ctx: ProbeContext): Promise<void> {
    let page: PageSnapshot | null;
    try {
      page = await ctx.page();
    } catch (err) {
      ctx.log.debug({ err }, 'no page to search for secrets');
      return;
    }
    if (!page) return;
    for (const finding of secretFindings(page, ctx.signal)) ctx.report(finding);
  },
};

const CONTAINER_WORDS: Record<ScannedText['container'] | 'inline script', string> = {
  html: 'the HTML of',
  'inline script': 'an inline script of',
  'linked page': 'the linked page',
  script: 'the script',
  stylesheet: 'the stylesheet',
  'source map': 'the source map',
  'inline source map': 'the inline source map of',
};

/**
 * One finding per distinct secret per place (`<url>:<line>:<kind>`, the URL carrying `#<source
 * file>` for source-map content). A second distinct secret of the same kind on the same line (a
 * minified bundle's single line) adds its column, so its fingerprint differs and it is not merged away.
 */
export function secretFindings(page: PageSnapshot, signal?: AbortSignal): ProbeFinding[] {
  const findings: ProbeFinding[] = [];
  const seen = new Set<string>();
  const locations = new Set<string>();
  for (const source of textsOfPage(page)) {
    if (signal?.aborted) break;
    const matches = findSecrets(source.text);
    if (matches.length === 0) continue;
    const position = positionFinder(source.text);
    const scripts = source.container === 'html' || source.container === 'linked page' ? inlineScriptRanges(source.text) : [];
    const where = source.sourceFile ? `${source.url}#${source.sourceFile}` : source.url;
    for (const match of matches) {
      const { line, column } = position(match.index);
      const key = `${where}\n${line}\n${match.kind}\n${match.value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      let location = `${where}:${line}:${match.kind}`;
      if (locations.has(location)) location = `${where}:${line}:${column}:${match.kind}`;
      locations.add(location);
      const inScript = scripts.some(([start, end]) => match.index >= start && match.index < end);
      const container = inScript ? 'inline script' : source.container;
      const kind = SECRET_KINDS[match.kind];
      const file = source.sourceFile ? ` (original source ${source.sourceFile})` : '';
      findings.push({
        checkId: source.checkId,
        target: source.url,
        location,
        severity: kind.severity,
        title: `${kind.label} exposed in ${container === 'html' ? 'the page HTML' : `a${/^[aeiou]/.test(container) ? 'n' : ''} ${container}`}`,
        description:
          `${kind.label} (${match.redacted}) is readable by anyone in ${CONTAINER_WORDS[container]} ${source.url}${file}, line ${line}. ` +
          'Assume it has been collected: revoke or rotate it, then move it server-side.',
        evidence: {
          url: source.url,
          line,
          column,
          in: container,
          ...(source.sourceFile ? { sourceFile: source.sourceFile } : {}),
          kind: match.kind,
          secret: kind.label,
          redacted: match.redacted,
          ...match.details,
        },
      });
    }
  }
  return findings;
}
