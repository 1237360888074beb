import { readFile } from 'node:fs/promises';
import pg from 'pg';

/**
 * "No token in plaintext anywhere": every database a test drops and every service log a test
 * stack writes is searched, when it is dropped or stopped, for issued credentials. Two nets:
 * the exact tokens this test process saw issued (factories and API responses record them), and
 * the shapes of any credential the platform issues (an API key of a known prefix, a JWT), so a
 * token the tests never saw is caught too.
 */
const issued = new Set<string>();

/** API keys of every prefix a deployment might use, and compact JWTs (header.payload.signature). */
const SHAPES: { name: string; re: RegExp }[] = [
  { name: 'an API key', re: /\bfx[a-z]_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g },
  { name: 'a JWT', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g },
];

/** The one line `npm start` prints on a fresh database so the operator can store the key. */
const SHOWN_ONCE = /Operator API key \(shown once, store it now\): /;

export function recordIssuedToken(token: string): void {
  if (token.length >= 20) issued.add(token);
}

/** Records every credential-shaped string in a response body (keys and tokens handed out). */
export function recordTokensIn(body: string): void {
  for (const { re } of SHAPES) for (const m of body.matchAll(re)) issued.add(m[0]);
}

/** What in `text` looks like, or is, an issued credential; `where` names it in the report. */
export function findTokens(text: string, where: string): string[] {
  const found: string[] = [];
  for (const token of issued) if (text.includes(token)) found.push(`${where}: an issued token (${token.slice(0, 8)}…)`);
  for (const { name, re } of SHAPES) for (const m of text.matchAll(re)) found.push(`${where}: ${name} (${m[0].slice(0, 8)}…)`);
  return [...new Set(found)];
}

/** Tables of public reference data (feeds), skipped for speed: no credential ever goes there. */
const REFERENCE = /^findings\.intel_/;

/** Every row of every table of the platform's schemas (and the queue's), as text. */
export async function auditDatabase(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const tables = (
      await c.query<{ t: string }>(
        `select format('%I.%I', table_schema, table_name) as t from information_schema.tables
          where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
      )
    ).rows.map((r) => r.t);
    const found: string[] = [];
    for (const table of tables) {
      if (REFERENCE.test(table.replaceAll('"', ''))) continue;
      const rows = await c.query<{ dump: string | null }>(`select string_agg(t::text, E'\\n') as dump from ${table} t`);
      found.push(...findTokens(rows.rows[0]?.dump ?? '', `table ${table}`));
    }
    return found;
  } finally {
    await c.end();
  }
}

/** Every line of a service log, except the one-time display of the operator's first key. */
export async function auditLog(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const lines = text.split('\n').filter((line) => !SHOWN_ONCE.test(line));
  return findTokens(lines.join('\n'), `log ${file}`);
}

export function assertNoTokens(found: string[]): void {
  if (found.length > 0) throw new Error(`credentials stored or logged in plaintext:\n${found.join('\n')}`);
}
