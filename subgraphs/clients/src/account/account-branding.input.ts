import { Field, InputType } from 'type-graphql';
import { z } from 'zod';

/** Largest logo accepted, decoded: a report embeds it in every page header it prints. */
export const MAX_LOGO_BYTES = 200 * 1024;
/** Its base64 length: anything longer is refused before decoding. */
const MAX_LOGO_BASE64 = Math.ceil(MAX_LOGO_BYTES / 3) * 4;

/**
 * Raster types only, each with the bytes its files start with: SVG is refused because an SVG
 * can carry script and external references, and the report must stay inert whatever the logo.
 */
const LOGO_TYPES: Record<string, (b: Buffer) => boolean> = {
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A logo data URL, normalised to `data:<type>;base64,<payload>`; every refusal says what to send instead. */
const logoDataUrl = z.string().transform((value, ctx) => {
  const fail = (message: string): never => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  const m = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(value.trim());
  if (!m) return fail('must be a data URL: data:image/png;base64,…');
  const type = m[1]!.toLowerCase();
  if (type === 'image/svg+xml') return fail('SVG is not accepted (it can carry script): use PNG, JPEG or WebP');
  const matches = LOGO_TYPES[type];
  if (!matches) return fail('must be data:image/png, data:image/jpeg or data:image/webp');
  if (!m[2]!.toLowerCase().split(';').includes('base64')) return fail('must be base64-encoded (data:image/png;base64,…)');
  const payload = m[3]!;
  if (payload.length > MAX_LOGO_BASE64) return fail(`must be at most ${MAX_LOGO_BYTES / 1024} KB decoded`);
  if (payload.length % 4 !== 0 || !BASE64.test(payload)) return fail('is not valid base64');
  const bytes = Buffer.from(payload, 'base64');
  if (bytes.length > MAX_LOGO_BYTES) return fail(`must be at most ${MAX_LOGO_BYTES / 1024} KB decoded`);
  if (!matches(bytes)) return fail(`is not a ${type.slice(6).toUpperCase()} image`);
  return `data:${type};base64,${payload}`;
});

/** updateAccountBranding's input: an absent field is unchanged, null (or an empty name) clears it. */
export const accountBrandingSchema = z.object({
  displayName: z
    .string()
    .trim()
    .max(120, 'must be at most 120 characters')
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must not contain control characters')
    .nullish()
    .transform((v) => (v === '' ? null : v)),
  logoDataUrl: logoDataUrl.nullish(),
  accentColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour #rrggbb')
    .transform((v) => v.toLowerCase())
    .nullish(),
});
export type AccountBrandingArgs = z.infer<typeof accountBrandingSchema>;

@InputType('AccountBrandingInput', { description: 'Fields left out stay as they are; null clears one (the report then uses the default).' })
export class AccountBrandingInput {
  @Field(() => String, { nullable: true, description: 'At most 120 characters; shown instead of the account name.' })
  displayName?: string | null;

  @Field(() => String, { nullable: true, description: 'data:image/png|jpeg|webp;base64,… at most 200 KB decoded. SVG is refused.' })
  logoDataUrl?: string | null;

  @Field(() => String, { nullable: true, description: '#rrggbb' })
  accentColor?: string | null;
}
