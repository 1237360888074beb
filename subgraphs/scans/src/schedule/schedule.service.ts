import type { Identity } from '../../../../lib/auth/identity.js';
import { requireScope, tenantOf, type Tenant } from '../../../../lib/auth/tenant.js';
import { BadUserInputError, NotFoundError } from '../../../../lib/errors.js';
import { decodeCursor, encodeCursor, pageSize } from '../../../../lib/graphql/cursor.js';
import { ActiveAuthorisationService } from '../ownership/active-authorisation.service.js';
import { ActiveScanRefusedError } from '../ownership/active-scan-refused.error.js';
import type { ScanDeps } from '../scan/scan.service.js';
import { checkTargetAddresses, normalizeTarget, TargetInputError, type NormalizedTarget } from '../target/target.js';
import type { ScheduleEntity, ScheduleRunEntity } from './schedule.entity.js';
import type { ScheduleScanInput, UpdateScheduleInput } from './schedule.input.js';
import { ScheduleRepository } from './schedule.repository.js';
import { canonicalTimeZone, DEFAULT_DAY_OF_MONTH, DEFAULT_TIME_OF_DAY, DEFAULT_WEEKDAY, nextSlot, specIssues, type SlotSpec } from './schedule-slots.js';
import { notifySchedulers } from './scheduler-wakeup.js';

export interface SchedulePage {
  items: ScheduleEntity[];
  hasNextPage: boolean;
  endCursor: string | null;
}

type Grant = NonNullable<ScheduleScanInput['authorisation']>;

/**
 * Rules of schedules: a valid spec in a real time zone, a target the policy allows, the client's
 * own, and for ACTIVE the same plan, authorisation and ownership proof as an active scan, checked
 * now (and by the scheduler again before every run).
 */
export class ScheduleService {
  private readonly repo: ScheduleRepository;
  private readonly tenant: Tenant;

  constructor(
    private readonly identity: Identity,
    private readonly deps: Omit<ScanDeps, 'queue'>,
  ) {
    this.tenant = tenantOf(identity);
    this.repo = new ScheduleRepository(deps.em, this.tenant);
  }

  async create(input: ScheduleScanInput, now = new Date()): Promise<ScheduleEntity> {
    requireScope(this.identity, 'scans:write');
    const spec = this.validSpec({
      frequency: input.frequency,
      cron: input.cron?.trim() || null,
      timeZone: input.timeZone,
      timeOfDay: input.timeOfDay ?? DEFAULT_TIME_OF_DAY,
      weekday: input.weekday ?? DEFAULT_WEEKDAY,
      dayOfMonth: input.dayOfMonth ?? DEFAULT_DAY_OF_MONTH,
    }, now);
    const target = await this.allowedTarget(input.target, input.targetType);
    const clientId = input.clientId ? (await this.deps.clients.get(input.clientId)).id : (await this.deps.clients.resolveForScan(null)).id;
    const standing = input.mode === 'ACTIVE' ? await this.standingAuthorisation(clientId, target, input.authorisation, now) : NO_AUTHORISATION;
    const row = await this.repo.insert({
      accountId: this.tenant.accountId,
      clientId,
      target: target.value,
      targetType: input.targetType,
      profile: input.profile,
      mode: input.mode,
      ...spec,
      paused: false,
      nextRunAt: nextSlot(spec, now)!,
      lastRunAt: null,
      createdBy: this.identity.credentialId,
      ...standing,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    });
    await notifySchedulers(this.deps.em, row.nextRunAt, now);
    return row;
  }

  async update(id: string, input: UpdateScheduleInput, now = new Date()): Promise<ScheduleEntity> {
    requireScope(this.identity, 'scans:write');
    const current = await this.get(id);
    const frequency = input.frequency ?? current.frequency;
    const spec = this.validSpec({
      frequency,
      // A cron expression only survives while the frequency stays CRON.
      cron: input.cron !== undefined && input.cron !== null ? input.cron.trim() || null : frequency === 'CRON' ? (current.cron ?? null) : null,
      timeZone: input.timeZone ?? current.timeZone,
      timeOfDay: input.timeOfDay ?? current.timeOfDay,
      weekday: input.weekday ?? current.weekday,
      dayOfMonth: input.dayOfMonth ?? current.dayOfMonth,
    }, now);
    let standing: Partial<ScheduleEntity> = {};
    if (input.authorisation) {
      if (current.mode !== 'ACTIVE') throw new BadUserInputError([{ field: 'authorisation', message: 'only ACTIVE schedules take an authorisation' }]);
      const target = await this.allowedTarget(current.target, current.targetType);
      standing = await this.standingAuthorisation(current.clientId, target, input.authorisation, now);
    }
    const changes: Partial<ScheduleEntity> = { ...spec, ...standing, ...(input.profile ? { profile: input.profile } : {}) };
    // A changed timing starts from now: the next slot of the new spec.
    if (!current.paused) changes.nextRunAt = nextSlot(spec, now)!;
    if (!(await this.repo.update(id, changes))) throw new NotFoundError('Schedule');
    if (changes.nextRunAt) await notifySchedulers(this.deps.em, changes.nextRunAt, now);
    return this.get(id);
  }

  /**
   * Pauses (true) or resumes (false). Resuming starts from the next slot after now: slots passed
   * while paused do not run.
   */
  async pause(id: string, paused: boolean, now = new Date()): Promise<ScheduleEntity> {
    requireScope(this.identity, 'scans:write');
    const current = await this.get(id);
    if (current.paused === paused) return current;
    const changes: Partial<ScheduleEntity> = { paused };
    if (!paused) changes.nextRunAt = nextSlot(current as SlotSpec, now)!;
    if (!(await this.repo.update(id, changes))) throw new NotFoundError('Schedule');
    if (changes.nextRunAt) await notifySchedulers(this.deps.em, changes.nextRunAt, now);
    return this.get(id);
  }

  /** Soft delete: the schedule stops and disappears; its runs and standing authorisation stay for audit. */
  async delete(id: string): Promise<boolean> {
    requireScope(this.identity, 'scans:write');
    if (!(await this.repo.update(id, { deletedAt: new Date(), paused: true }))) throw new NotFoundError('Schedule');
    return true;
  }

  async get(id: string): Promise<ScheduleEntity> {
    const s = await this.find(id);
    if (!s) throw new NotFoundError('Schedule');
    return s;
  }

  find(id: string): Promise<ScheduleEntity | null> {
    requireScope(this.identity, 'scans:read');
    return this.repo.findById(id);
  }

  async page(clientId: string | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<SchedulePage> {
    requireScope(this.identity, 'scans:read');
    const size = pageSize(first);
    const cursor = decodeCursor(after);
    // A client the caller may not see lists nothing (never FORBIDDEN).
    if (clientId && !(await this.deps.clients.find(clientId))) return { items: [], hasNextPage: false, endCursor: null };
    const rows = await this.repo.page(clientId ?? null, size, cursor);
    const items = rows.slice(0, size);
    const last = items.at(-1);
    return { items, hasNextPage: rows.length > size, endCursor: last ? encodeCursor(last) : null };
  }

  /** The schedule's newest runs, newest slot first (1-50). */
  async runs(scheduleId: string, first: number): Promise<ScheduleRunEntity[]> {
    requireScope(this.identity, 'scans:read');
    if (!Number.isInteger(first) || first < 1 || first > 50) throw new BadUserInputError([{ field: 'first', message: 'must be an integer between 1 and 50' }]);
    return (await this.repo.recentRuns([scheduleId], first)).get(scheduleId) ?? [];
  }

  private validSpec(spec: SlotSpec, now: Date): SlotSpec {
    const issues = specIssues(spec, now);
    if (issues.length > 0) throw new BadUserInputError(issues);
    return { ...spec, timeZone: canonicalTimeZone(spec.timeZone)! };
  }

  private async allowedTarget(target: string, type: ScheduleEntity['targetType']): Promise<NormalizedTarget> {
    try {
      const normalized = normalizeTarget(target, type, { maxCidrHosts: this.deps.maxCidrHosts });
      await checkTargetAddresses(normalized, this.deps.policy, this.deps.resolve);
      return normalized;
    } catch (err) {
      if (err instanceof TargetInputError) throw new BadUserInputError([{ field: err.field, message: err.message }]);
      throw err;
    }
  }

  /** The plan, the authorisation and the ownership proof, exactly as an active scan needs them now. */
  private async standingAuthorisation(clientId: string, target: NormalizedTarget, grant: Grant | null | undefined, now: Date): Promise<StandingAuthorisation> {
    const plan = this.deps.quota.planOf((await this.deps.quota.ensurePlan(this.tenant.accountId, clientId)).tier);
    if (!plan.activeScans) {
      throw new ActiveScanRefusedError('PLAN_WITHOUT_ACTIVE_SCANS', `Active schedules need a paid plan; this client is on ${plan.tier}`);
    }
    const draft = await new ActiveAuthorisationService(this.identity, this.deps.em, this.deps.ownership).authorise(
      clientId,
      target,
      grant ? { ...grant, source: 'SCHEDULE' } : null,
      now,
    );
    return { authorisedBy: draft.authorisedBy ?? null, authorisationStatement: draft.statement, authorisedAt: now };
  }
}

type StandingAuthorisation = Pick<ScheduleEntity, 'authorisedBy' | 'authorisationStatement' | 'authorisedAt'>;
const NO_AUTHORISATION: StandingAuthorisation = { authorisedBy: null, authorisationStatement: null, authorisedAt: null };
