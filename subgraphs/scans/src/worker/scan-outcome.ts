import type { MikroORM } from '@mikro-orm/postgresql';
import type { ScanOutcome } from '../../../findings/src/module.js';
import { ScanEntity } from '../scan/scan.entity.js';

/** How a scan ended, for its alerts; null while it runs, or when it was cancelled. */
export async function scanOutcome(scansOrm: MikroORM, scanId: string): Promise<ScanOutcome | null> {
  const s = await scansOrm.em.fork().findOne(ScanEntity, { id: scanId });
  if (!s || (s.status !== 'COMPLETED' && s.status !== 'FAILED')) return null;
  return { scanId: s.id, accountId: s.accountId, clientId: s.clientId, status: s.status, target: s.target, error: s.error ?? null };
}
