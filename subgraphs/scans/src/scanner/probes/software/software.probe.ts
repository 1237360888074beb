import type { Probe, ProbeContext, ProbeFinding } from '../../check.js';
import type { FindingSeverity } from '../../finding-draft.js';
import type { PageSnapshot } from '../../page.js';
import {
  bannerDisclosures,
  isDisclosingVersion,
  jqueryObservations,
  looksLikeWindows,
  type Disclosure,
  type SoftwareObservation,
} from './detect.js';
import { matchVulnerabilities, productById, type FingerprintMatch, type HostFacts } from './fingerprints.js';
import { KNOWN_VULNERABLE, SOFTWARE_CHECKS, VERSION_DISCLOSURE } from './software.checks.js';
import { describeRange, parseVersion } from './version.js';

const SEVERITY_ORDER: readonly FindingSeverity[] = ['INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/**
 * What software the host names, and whether those versions are known to be vulnerable. Reads
 * only the shared page (headers, HTML and same-origin scripts); sends nothing of its own.
 */
export const softwareProbe: Probe = {
  id: 'software',
  title: 'Software versions and known vulnerabilities',
  checks: SOFTWARE_CHECKS,
  mode: 'PASSIVE',
  profile: 'LIGHT',
  async run(ctx: ProbeContext): Promise<void> {
    let page: PageSnapshot | null;
    try {
      page = await ctx.page();
    } catch (err) {
      ctx.log.debug({ err }, 'no page to read software versions from');
      return;
    }
    if (!page) return;
    for (const finding of softwareFindings(page)) ctx.report(finding);
  },
};

/** Every software finding one page supports: one disclosure per header or generator, one per vulnerable product. */
export function softwareFindings(page: PageSnapshot): ProbeFinding[] {
  const url = page.response.url;
  const disclosures = bannerDisclosures(page);
  const findings: ProbeFinding[] = [];
  for (const d of disclosures) {
    const finding = disclosureFinding(url, d);
    if (finding) findings.push(finding);
  }
  const observations = [...disclosures.flatMap((d) => d.products), ...jqueryObservations(page)];
  const facts: HostFacts = {
    windows: looksLikeWindows(disclosures),
    products: new Set(observations.map((o) => o.productId).filter((id): id is string => id !== null)),
  };
  findings.push(...vulnerableFindings(url, observations, facts));
  return findings;
}

function disclosureFinding(url: string, d: Disclosure): ProbeFinding | null {
  const disclosed = d.products.filter((p) => isDisclosingVersion(p.version));
  if (disclosed.length === 0) return null;
  const names = disclosed.map((p) => `${p.name} ${p.version}`).join(', ');
  const where = d.location === 'meta generator' ? 'a <meta name="generator"> tag' : `the ${d.location} header`;
  return {
    checkId: VERSION_DISCLOSURE.id,
    target: url,
    location: d.location,
    description: `${url} names its software with exact versions in ${where}: ${names}. Anyone can match these versions against published vulnerabilities.`,
    evidence: {
      url,
      // The header (or generator tag) exactly as sent: these name software, never credentials.
      [d.location === 'meta generator' ? 'metaGenerator' : d.location]: d.values.length === 1 ? d.values[0] : d.values,
      products: disclosed.map((p) => ({
        name: p.name,
        version: p.version,
        ...(p.distribution ? { distributionBuild: p.distribution } : {}),
      })),
    },
  };
}

interface VulnerableVersion {
  version: string;
  sources: string[];
  matches: FingerprintMatch[];
}

function vulnerableFindings(url: string, observations: SoftwareObservation[], facts: HostFacts): ProbeFinding[] {
  // One finding per product (location = product id); several vulnerable versions of one product share it.
  const byProduct = new Map<string, Map<string, VulnerableVersion>>();
  for (const o of observations) {
    if (!o.productId || !o.version || o.distribution) continue;
    const product = productById(o.productId);
    const version = parseVersion(o.version);
    if (!product || !version) continue;
    const versions = byProduct.get(product.id) ?? new Map<string, VulnerableVersion>();
    const known = versions.get(o.version);
    if (known) {
      if (!known.sources.includes(o.source)) known.sources.push(o.source);
      continue;
    }
    const matches = matchVulnerabilities(product, version, facts);
    if (matches.length === 0) continue;
    versions.set(o.version, { version: o.version, sources: [o.source], matches });
    byProduct.set(product.id, versions);
  }
  const findings: ProbeFinding[] = [];
  for (const [productId, versions] of byProduct) {
    const product = productById(productId)!;
    const list = [...versions.values()];
    const all = list.flatMap((v) => v.matches);
    const cveIds = [...new Set(all.flatMap((m) => m.entry.cveIds))].sort();
    const severity = all.map((m) => m.entry.severity).reduce((a, b) => (SEVERITY_ORDER.indexOf(b) > SEVERITY_ORDER.indexOf(a) ? b : a));
    const label = `${product.name} ${list.map((v) => v.version).join(', ')}`;
    findings.push({
      checkId: KNOWN_VULNERABLE.id,
      target: url,
      location: product.id,
      severity,
      title: `${label} has known vulnerabilities (${cveIds.slice(0, 3).join(', ')}${cveIds.length > 3 ? ', …' : ''})`,
      description:
        `${url} runs ${label}, which is affected by ${cveIds.length} published ${cveIds.length === 1 ? 'vulnerability' : 'vulnerabilities'}: ` +
        all.map((m) => `${m.entry.cveIds.join('/')} (${m.entry.severity}) ${m.entry.summary}${m.entry.condition ? ` ${m.entry.condition}` : ''}`).join(' ') +
        ' The version is the one the host reports about itself.',
      cveIds,
      evidence: {
        url,
        product: product.name,
        versions: list.map((v) => ({
          version: v.version,
          detectedFrom: v.sources,
          vulnerabilities: v.matches.map((m) => ({
            cveIds: m.entry.cveIds,
            severity: m.entry.severity,
            summary: m.entry.summary,
            affected: describeRange(m.range),
            ...(m.entry.condition ? { condition: m.entry.condition } : {}),
            source: m.entry.source,
          })),
        })),
      },
    });
  }
  return findings;
}
