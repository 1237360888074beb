import type { ReportBranding } from './report-data.js';

/** The default accent: the product's own blue. */
export const DEFAULT_ACCENT = '#1f4e79';
/** Raster images only (an SVG logo could carry script), base64, at most 256 KB of text. */
const LOGO = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}$/;
const LOGO_MAX = 256 * 1024;
const HEX = /^#[0-9a-fA-F]{6}$/;

/** White-label fields as a report may use them: each one validated, else the default. */
export interface Brand {
  name: string;
  logoDataUrl: string | null;
  accent: string;
}

/**
 * The account's branding, validated again here (the report does not trust what it reads): a logo
 * that is not a raster data: URL is dropped, an accent that is not `#rrggbb` is the default, and
 * the display name falls back to the account's name.
 */
export function brandOf(accountName: string, branding: ReportBranding | null | undefined): Brand {
  const logo = branding?.logoDataUrl ?? null;
  const accent = branding?.accentColor ?? null;
  const name = branding?.displayName?.trim();
  return {
    name: name ? name.slice(0, 120) : accountName,
    logoDataUrl: logo && logo.length <= LOGO_MAX && LOGO.test(logo) ? logo : null,
    accent: accent && HEX.test(accent) ? accent.toLowerCase() : DEFAULT_ACCENT,
  };
}
