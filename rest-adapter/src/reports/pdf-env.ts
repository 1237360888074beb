import { z } from 'zod';

/**
 * Server-side PDF of the reports (`?format=pdf`). Off unless a Chromium is configured: the adapter
 * never goes looking for a browser on its own, so a deployment without one answers 501 with the
 * instructions instead of surprising anyone by spawning one.
 */
export const pdfEnv = z.object({
  /** Path of a Chromium executable (Debian: /usr/bin/chromium). Unset: reports are HTML only. */
  CHROMIUM_PATH: z.string().min(1).optional(),
  /** One render, queueing included, taking longer than this fails (503 service_unavailable). */
  REPORT_PDF_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  /** Renders at once in this process; each is a Chromium tab using tens to hundreds of MB. */
  REPORT_PDF_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
});
export type PdfEnv = z.infer<typeof pdfEnv>;
