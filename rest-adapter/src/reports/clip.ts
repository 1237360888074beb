/**
 * `value` on one line (whitespace runs collapsed) and at most `max` characters, ending in an
 * ellipsis when cut: for the places a report has a fixed room (the running header, the one-page
 * executive summary).
 */
export function clip(value: string | null, max: number): string {
  const text = (value ?? '').replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}
