import { z } from 'zod';
import raw from './check-mapping.json' with { type: 'json' };

// Shapes only: whether an id exists in ATT&CK, D3FEND, CWE or the CIS→ISO file is proven against
// the data snapshots by check-mapping.test.ts, not at load (the service must start without them).
const CWE_ID = /^CWE-[1-9]\d*$/;
const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/;
const TACTIC_ID = /^TA\d{4}$/;
const D3FEND_ID = /^D3-[A-Z0-9]+$/;
const CIS_SAFEGUARD = /^([1-9]|1[0-8])\.[1-9]\d?$/;
/** Annex A of ISO/IEC 27001:2022: A.5.1–A.5.37, A.6.1–A.6.8, A.7.1–A.7.14, A.8.1–A.8.34. */
const ANNEX_A_SIZE: Record<string, number> = { '5': 37, '6': 8, '7': 14, '8': 34 };

/** True for a well-formed ISO/IEC 27001:2022 Annex A control id (`A.8.9`). */
export function isAnnexAId(id: string): boolean {
  const m = /^A\.([5-8])\.([1-9]\d?)$/.exec(id);
  return m !== null && Number(m[2]) <= ANNEX_A_SIZE[m[1]!]!;
}

const SourceSchema = z.object({
  title: z.string().min(1),
  version: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }),
  snapshot: z.string().min(1).optional(),
  note: z.string().min(1).optional(),
});

const CheckMappingSchema = z.object({
  cweId: z.string().regex(CWE_ID, 'not CWE-<n>'),
  attack: z.object({
    techniqueId: z.string().regex(TECHNIQUE_ID, 'not T#### or T####.###'),
    tacticId: z.string().regex(TACTIC_ID, 'not TA####'),
  }),
  d3fend: z
    .array(z.string().regex(D3FEND_ID, 'not D3-…'))
    .min(1)
    .max(4)
    .refine((ids) => new Set(ids).size === ids.length, { message: 'lists a D3FEND id twice' }),
  cis: z.string().regex(CIS_SAFEGUARD, 'not a CIS Controls v8 safeguard id like 4.1'),
  iso27001: z.object({
    id: z.string().refine(isAnnexAId, { message: 'not an ISO/IEC 27001:2022 Annex A control id' }),
    name: z.string().min(3),
  }),
  note: z.string().min(10).optional(),
});

const MappingFileSchema = z.object({
  version: z.string().min(1),
  sources: z.record(z.string(), SourceSchema),
  checks: z.record(z.string().regex(/^[a-z0-9]+\.[a-z0-9-]+$/, 'not a check id'), CheckMappingSchema),
});

/** How one scanner check maps onto CWE, ATT&CK, D3FEND, CIS Controls v8 and ISO/IEC 27001:2022. */
export type CheckMapping = z.infer<typeof CheckMappingSchema>;
/** The whole mapping file: its version, the frameworks it cites, and one entry per check. */
export type CheckMappingFile = z.infer<typeof MappingFileSchema>;

/**
 * Validates a mapping file and throws one error listing every problem, each prefixed with the
 * check it concerns (`checks › cors.wildcard › attack.techniqueId: …`), so a bad edit names itself.
 */
export function parseCheckMapping(data: unknown): CheckMappingFile {
  const result = MappingFileSchema.safeParse(data);
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${issue.path.map(String).join(' › ') || '(root)'}: ${issue.message}`);
  } else {
    // One control must carry one title everywhere, or a typo in a name would go unnoticed.
    const names = new Map<string, { name: string; checkId: string }>();
    for (const [checkId, m] of Object.entries(result.data.checks)) {
      const seen = names.get(m.iso27001.id);
      if (!seen) names.set(m.iso27001.id, { name: m.iso27001.name, checkId });
      else if (seen.name !== m.iso27001.name) problems.push(`checks › ${checkId} › iso27001.name: "${m.iso27001.name}" differs from "${seen.name}" given for ${m.iso27001.id} by ${seen.checkId}`);
    }
  }
  if (problems.length > 0) throw new Error(`check-mapping.json is invalid:\n  ${problems.join('\n  ')}`);
  return result.data!;
}

/** The mapping shipped in check-mapping.json, validated once at load so a bad edit fails fast. */
export const CHECK_MAPPING: CheckMappingFile = parseCheckMapping(raw);

const byCheck = new Map<string, CheckMapping>(Object.entries(CHECK_MAPPING.checks));

/** The framework mapping of a scanner check, or null for an id the file does not map. */
export function checkMapping(checkId: string): CheckMapping | null {
  return byCheck.get(checkId) ?? null;
}

/** Every mapped check id, sorted. */
export function mappedCheckIds(): string[] {
  return [...byCheck.keys()].sort();
}
