import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A secret kept in `<dir>/<name>` (mode 600), generated on first use. For `npm start`, where
 * nobody configured one: a secret that signs long-lived tokens must survive restarts, or every
 * token issued before a restart silently stops working. Two starts racing agree on one file.
 */
export async function persistedSecret(dir: string, name: string): Promise<string> {
  const file = path.join(dir, name);
  await mkdir(dir, { recursive: true });
  try {
    await writeFile(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const secret = (await readFile(file, 'utf8')).trim();
  if (secret.length < 32) throw new Error(`${file} must hold a secret of at least 32 characters`);
  return secret;
}
