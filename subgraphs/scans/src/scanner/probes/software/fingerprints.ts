import { z } from 'zod';
import raw from './fingerprints.json' with { type: 'json' };
import type { FindingSeverity } from '../../finding-draft.js';
import { compareVersionStrings, parseVersion, versionInRange, type Version, type VersionRange } from './version.js';

// The findings module's severities, restated here so the scanner does not load the ORM entity.
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'] as const satisfies readonly FindingSeverity[];

const versionString = z.string().refine((v) => parseVersion(v) !== null, { message: 'not a version' });

const ProductSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string().min(1),
  /** Tokens as hosts write them (`Server: Apache/2.4.49`, `<meta name="generator" content="WordPress 6.4">`); case-insensitive. */
  aliases: z.array(z.string().min(1)).min(1),
  /** How many numeric parts a full version of this product has; fewer means "any release of that line". */
  exactParts: z.number().int().min(1).max(4),
});

const RangeSchema = z
  .object({ introduced: versionString, fixed: versionString })
  .refine((r) => compareVersionStrings(r.introduced, r.fixed) < 0, { message: 'introduced must be older than fixed' });

const EntrySchema = z.object({
  product: z.string(),
  cveIds: z.array(z.string().regex(/^CVE-\d{4}-\d{4,}$/)).min(1),
  severity: z.enum(SEVERITIES),
  summary: z.string().min(10),
  condition: z.string().min(10).optional(),
  /** Facts about the host that must also hold (platform, a product in front), else the entry is not matched. */
  requires: z
    .object({ os: z.literal('windows').optional(), products: z.array(z.string()).min(1).optional() })
    .optional(),
  ranges: z.array(RangeSchema).min(1),
  source: z.url({ protocol: /^https?$/ }),
});

const TableSchema = z
  .object({ about: z.string(), products: z.array(ProductSchema).min(1), vulnerabilities: z.array(EntrySchema).min(1) })
  .superRefine((table, issue) => {
    const ids = new Set(table.products.map((p) => p.id));
    if (ids.size !== table.products.length) issue.addIssue({ code: 'custom', message: 'duplicate product id' });
    for (const entry of table.vulnerabilities) {
      for (const product of [entry.product, ...(entry.requires?.products ?? [])]) {
        if (!ids.has(product)) issue.addIssue({ code: 'custom', message: `unknown product "${product}" in ${entry.cveIds.join(', ')}` });
      }
    }
  });

export type ProductDefinition = z.infer<typeof ProductSchema>;
export type FingerprintEntry = z.infer<typeof EntrySchema>;
export type FingerprintTable = z.infer<typeof TableSchema>;

/** Validates a fingerprint table; throws with every problem found. */
export function parseFingerprintTable(data: unknown): FingerprintTable {
  return TableSchema.parse(data);
}

/** The table shipped in fingerprints.json, validated once at load so a bad edit fails fast. */
export const FINGERPRINTS: FingerprintTable = parseFingerprintTable(raw);

const byAlias = new Map<string, ProductDefinition>(
  FINGERPRINTS.products.flatMap((p) => p.aliases.map((alias) => [alias.toLowerCase(), p] as const)),
);

/** The product a disclosed name stands for (`Apache` → apache-httpd), if the table knows it. */
export function productByAlias(name: string): ProductDefinition | undefined {
  return byAlias.get(name.trim().toLowerCase());
}

export function productById(id: string): ProductDefinition | undefined {
  return FINGERPRINTS.products.find((p) => p.id === id);
}

/** What is known about the host beyond one product's version, for entries with `requires`. */
export interface HostFacts {
  windows: boolean;
  /** Product ids seen on the host, with or without a version. */
  products: ReadonlySet<string>;
}

/** One table entry that applies to a version, with the range that matched. */
export interface FingerprintMatch {
  entry: FingerprintEntry;
  range: VersionRange;
}

/** Every entry of the table whose ranges contain the version and whose requirements the host meets. */
export function matchVulnerabilities(
  product: ProductDefinition,
  version: Version,
  facts: HostFacts,
  table: FingerprintTable = FINGERPRINTS,
): FingerprintMatch[] {
  const matches: FingerprintMatch[] = [];
  for (const entry of table.vulnerabilities) {
    if (entry.product !== product.id) continue;
    if (entry.requires?.os === 'windows' && !facts.windows) continue;
    if (entry.requires?.products && !entry.requires.products.some((p) => facts.products.has(p))) continue;
    const range = entry.ranges.find((r) => versionInRange(version, r, product.exactParts));
    if (range) matches.push({ entry, range });
  }
  return matches;
}
