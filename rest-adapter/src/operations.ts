import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'graphql';
import { REPO_ROOT } from '../../lib/paths.js';
import type { RouteDef } from './route.js';

/** Where the committed GraphQL documents live: one operation per file, `<name>.graphql`. */
export const OPERATIONS_DIR = path.join(REPO_ROOT, 'rest-adapter', 'operations');

/**
 * Reads every committed document once, at start. A route naming a document that is missing (or
 * does not parse) fails the start: better than a 500 on the first call of that route.
 */
export function loadOperations(routes: readonly RouteDef[], dir = OPERATIONS_DIR): Map<string, string> {
  const documents = new Map<string, string>();
  if (existsSync(dir)) {
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.graphql')) continue;
      documents.set(file.slice(0, -'.graphql'.length), readFileSync(path.join(dir, file), 'utf8'));
    }
  }
  const problems: string[] = [];
  const needed = new Set(routes.flatMap((r) => r.operations));
  for (const name of needed) {
    const text = documents.get(name);
    if (text === undefined) {
      const users = routes.filter((r) => r.operations.includes(name)).map((r) => `${r.method.toUpperCase()} ${r.path}`);
      problems.push(`${name}.graphql is missing (needed by ${users.join(', ')})`);
      continue;
    }
    try {
      parse(text);
    } catch (err) {
      problems.push(`${name}.graphql does not parse: ${(err as Error).message}`);
    }
  }
  if (problems.length) throw new Error(`REST adapter operations in ${dir}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return documents;
}
