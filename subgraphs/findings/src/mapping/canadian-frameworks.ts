import { z } from 'zod';
import raw from './canadian-frameworks.json' with { type: 'json' };

// The CCCS baseline is numbered BC.1–BC.13 in its section 3; ITSG-33 families are two letters.
const CCCS_ID = /^BC\.([1-9]|1[0-3])$/;
const FAMILY_ID = /^[A-Z]{2}$/;

const SourceSchema = z.object({
  title: z.string().min(1),
  version: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }),
  note: z.string().min(1).optional(),
});

/** A list of ids: one or more, each once, at most `max` (a check that touches everything maps nothing). */
const idList = (pattern: RegExp, what: string, max: number) =>
  z
    .array(z.string().regex(pattern, `not ${what}`))
    .min(1)
    .max(max)
    .refine((ids) => new Set(ids).size === ids.length, { message: 'lists an id twice' });

const CheckSchema = z.object({
  cccs: idList(CCCS_ID, 'a CCCS baseline control id like BC.11', 4),
  itsg33: idList(FAMILY_ID, 'an ITSG-33 family id like SC', 4),
  note: z.string().min(10),
});

const FileSchema = z.object({
  version: z.string().min(1),
  sources: z.object({ cccs: SourceSchema, itsg33: SourceSchema }),
  cccs: z.record(z.string().regex(CCCS_ID, 'not BC.1–BC.13'), z.string().min(3)),
  itsg33: z.record(z.string().regex(FAMILY_ID, 'not a two-letter family id'), z.object({ name: z.string().min(3), class: z.enum(['Management', 'Operational', 'Technical']) })),
  checks: z.record(z.string().regex(/^[a-z0-9]+\.[a-z0-9-]+$/, 'not a check id'), CheckSchema),
});

/** The whole file: the two catalogues, their sources and one entry per check. */
export type CanadianFrameworksFile = z.infer<typeof FileSchema>;

/** A control or family with its official name. */
export interface FrameworkControl {
  id: string;
  name: string;
}

/** What one check maps to in the two Canadian frameworks, with names from the catalogues. */
export interface CanadianMapping {
  cccsControls: FrameworkControl[];
  itsg33Families: FrameworkControl[];
  note: string;
}

/**
 * Validates the file and throws one error listing every problem, each naming where it is
 * (`checks › tls.weak-key › itsg33: ZZ is not a family of the catalogue`), so a bad edit names itself.
 */
export function parseCanadianFrameworks(data: unknown): CanadianFrameworksFile {
  const result = FileSchema.safeParse(data);
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${issue.path.map(String).join(' › ') || '(root)'}: ${issue.message}`);
  } else {
    const { cccs, itsg33, checks } = result.data;
    // Both catalogues are closed lists: all 13 controls and the 17 families of Annex 3A.
    if (Object.keys(cccs).length !== 13) problems.push(`cccs: lists ${Object.keys(cccs).length} controls, the baseline has 13`);
    if (Object.keys(itsg33).length !== 17) problems.push(`itsg33: lists ${Object.keys(itsg33).length} families, Annex 3A has 17`);
    for (const [checkId, m] of Object.entries(checks)) {
      for (const id of m.cccs) if (!(id in cccs)) problems.push(`checks › ${checkId} › cccs: ${id} is not a control of the catalogue`);
      for (const id of m.itsg33) if (!(id in itsg33)) problems.push(`checks › ${checkId} › itsg33: ${id} is not a family of the catalogue`);
    }
  }
  if (problems.length > 0) throw new Error(`canadian-frameworks.json is invalid:\n  ${problems.join('\n  ')}`);
  return result.data!;
}

/** The file shipped with the service, validated once at load so a bad edit fails fast. */
export const CANADIAN_FRAMEWORKS: CanadianFrameworksFile = parseCanadianFrameworks(raw);

const byCheck = new Map<string, CanadianMapping>(
  Object.entries(CANADIAN_FRAMEWORKS.checks).map(([checkId, m]) => [
    checkId,
    {
      cccsControls: m.cccs.map((id) => ({ id, name: CANADIAN_FRAMEWORKS.cccs[id]! })),
      itsg33Families: m.itsg33.map((id) => ({ id, name: CANADIAN_FRAMEWORKS.itsg33[id]!.name })),
      note: m.note,
    },
  ]),
);

/** The CCCS controls and ITSG-33 families of a scanner check, or null for an id the file does not map. */
export function canadianMapping(checkId: string): CanadianMapping | null {
  return byCheck.get(checkId) ?? null;
}

/** Every check id the file maps, sorted. */
export function canadianMappedCheckIds(): string[] {
  return [...byCheck.keys()].sort();
}

/** The 13 CCCS baseline controls in document order (BC.1 … BC.13), for a control-by-control table. */
export function cccsCatalogue(): FrameworkControl[] {
  return Object.entries(CANADIAN_FRAMEWORKS.cccs)
    .map(([id, name]) => ({ id, name }))
    .sort((a, b) => Number(a.id.slice(3)) - Number(b.id.slice(3)));
}

/** The ITSG-33 Annex 3A families, by id, for a family-by-family table. */
export function itsg33Catalogue(): FrameworkControl[] {
  return Object.entries(CANADIAN_FRAMEWORKS.itsg33)
    .map(([id, f]) => ({ id, name: f.name }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * The checks that assess each CCCS control and each ITSG-33 family, for a status table: a control
 * fails when one of its checks found something, passes when its checks ran clean, and is not
 * assessed when none of its checks ran (or it has none: training, portable media, …).
 */
export function canadianChecksByControl(): { cccs: Map<string, string[]>; itsg33: Map<string, string[]> } {
  const cccs = new Map(cccsCatalogue().map((c) => [c.id, [] as string[]]));
  const itsg33 = new Map(itsg33Catalogue().map((f) => [f.id, [] as string[]]));
  for (const [checkId, m] of Object.entries(CANADIAN_FRAMEWORKS.checks).sort(([a], [b]) => a.localeCompare(b))) {
    for (const id of m.cccs) cccs.get(id)!.push(checkId);
    for (const id of m.itsg33) itsg33.get(id)!.push(checkId);
  }
  return { cccs, itsg33 };
}
