import type { Identity } from '../../../../lib/auth/identity.js';
import { DomainError } from '../../../../lib/errors.js';
import type { Logger } from '../../../../lib/logger.js';
import { ActiveScanRefusedError } from '../ownership/active-scan-refused.error.js';
import { ScanService, type ScanDeps } from '../scan/scan.service.js';
import { finishRun, type ClaimedRun, type RunResult } from './schedule-claim.js';
import type { MikroORM } from '../../../../lib/db/orm.js';

/** The scopes a schedule's scans run with: what createScan needs, nothing more. */
export const SCHEDULE_SCOPES = ['scans:read', 'scans:write'];
/** Recorded as the User-Agent of a scheduled active scan's authorisation record. */
export const SCHEDULER_AGENT = 'fixfirst-scheduler';

/**
 * The identity a schedule's scan is created under: the schedule's account narrowed to its client
 * (so the scan lands in that client and quota is the client's), recorded as created by the
 * credential that made the schedule. Synthesised here, never signed or sent anywhere.
 */
export function scheduleIdentity(run: ClaimedRun): Identity {
  return {
    accountId: run.schedule.accountId,
    clientId: run.schedule.clientId,
    scopes: SCHEDULE_SCOPES,
    credentialId: run.schedule.createdBy,
    credentialHash: '',
    credentialKind: 'api_key',
    sourceIp: null,
    userAgent: SCHEDULER_AGENT,
  };
}

/** Builds the scan service's dependencies for one identity (forked entity managers, the tenant's client service). */
export type ScanDepsFactory = (identity: Identity) => ScanDeps;

/**
 * Starts the scan of one claimed slot through the ordinary scan service (same checks, quota and
 * queue as createScan, triggered_by "schedule") and records the outcome: STARTED with the scan,
 * SKIPPED when a rule refused it (quota, plan, ownership proof, target policy), FAILED otherwise.
 */
export async function startScheduledScan(scansOrm: MikroORM, depsFor: ScanDepsFactory, run: ClaimedRun, log: Logger): Promise<RunResult> {
  const identity = scheduleIdentity(run);
  const s = run.schedule;
  let result: RunResult;
  try {
    const scan = await new ScanService(identity, depsFor(identity)).create({
      target: s.target,
      targetType: s.targetType,
      profile: s.profile,
      mode: s.mode,
      triggeredBy: 'schedule',
      authorisation:
        s.mode === 'ACTIVE'
          ? { source: 'SCHEDULE', sourceId: s.id, authorised: true, authorisedBy: s.authorisedBy, statement: s.authorisationStatement }
          : null,
    });
    result = { outcome: 'STARTED', scanId: scan.id };
  } catch (err) {
    result = outcomeOf(err);
  }
  await finishRun(scansOrm.em, run.runId, result);
  log.info({ scheduleId: s.id, slot: run.slot.toISOString(), outcome: result.outcome, reason: result.reason ?? undefined, scanId: result.scanId ?? undefined }, 'scheduled run');
  return result;
}

/** Refusals by a rule are SKIPPED with the rule's code; anything else is FAILED. */
export function outcomeOf(err: unknown): RunResult {
  if (err instanceof ActiveScanRefusedError) return { outcome: 'SKIPPED', reason: err.reason, detail: err.message };
  if (err instanceof DomainError) {
    const code = String(err.extensions.code);
    if (code === 'QUOTA_EXCEEDED') return { outcome: 'SKIPPED', reason: 'QUOTA_EXCEEDED', detail: err.message, quota: (err.extensions.quota as Record<string, unknown>) ?? null };
    // The target no longer passes the scan policy (it now resolves to a refused address, say).
    if (code === 'BAD_USER_INPUT') return { outcome: 'SKIPPED', reason: 'TARGET_REFUSED', detail: err.message };
    if (code === 'NOT_FOUND') return { outcome: 'SKIPPED', reason: 'CLIENT_NOT_FOUND', detail: err.message };
    if (code === 'FORBIDDEN') return { outcome: 'SKIPPED', reason: 'FORBIDDEN', detail: err.message };
    return { outcome: 'FAILED', reason: code, detail: err.message };
  }
  return { outcome: 'FAILED', reason: 'ERROR', detail: (err as Error)?.message ?? String(err) };
}
