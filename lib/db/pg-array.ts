/**
 * A PostgreSQL text[] literal (`{"a","b"}`), sent as one `?::text[]` parameter: the ORM's query
 * layer would otherwise expand a JS array into a list of values.
 */
export function pgTextArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}
