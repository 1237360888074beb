import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { Tenant } from '../../../../lib/auth/tenant.js';
import { keysetBefore } from '../../../../lib/db/keyset.js';
import { pgTextArray } from '../../../../lib/db/pg-array.js';
import type { Cursor } from '../../../../lib/graphql/cursor.js';
import { ScheduleEntity, ScheduleRunEntity } from './schedule.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The only place the API queries schedules; narrowed to the tenant, deleted schedules invisible. */
export class ScheduleRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly tenant: Tenant,
  ) {}

  private scope(): { accountId: string; clientId?: string; deletedAt: null } {
    return this.tenant.clientId
      ? { accountId: this.tenant.accountId, clientId: this.tenant.clientId, deletedAt: null }
      : { accountId: this.tenant.accountId, deletedAt: null };
  }

  findById(id: string): Promise<ScheduleEntity | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return this.em.findOne(ScheduleEntity, { ...this.scope(), id }, { disableIdentityMap: true });
  }

  /** Keyset page on (created_at, id) descending, optionally of one client; one extra row tells whether more exist. */
  page(clientId: string | null, first: number, after: Cursor | null): Promise<ScheduleEntity[]> {
    const keyset = after ? keysetBefore('created_at', after.createdAt, 'timestamptz', after.id) : {};
    const client = clientId ? { clientId } : {};
    return this.em.find(ScheduleEntity, { $and: [this.scope(), client, keyset] } as FilterQuery<ScheduleEntity>, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      limit: first + 1,
      disableIdentityMap: true,
    });
  }

  async insert(data: Omit<ScheduleEntity, 'id'>): Promise<ScheduleEntity> {
    const em = this.em.fork();
    const row = em.create(ScheduleEntity, data);
    await em.flush();
    return row;
  }

  /** Applies changes to a live schedule of the tenant; false when there is none. */
  async update(id: string, changes: Partial<ScheduleEntity>): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const n = await this.em.nativeUpdate(ScheduleEntity, { ...this.scope(), id }, { ...changes, updatedAt: new Date() });
    return n > 0;
  }

  /** The newest runs of schedules, newest slot first, at most `perSchedule` each. */
  async recentRuns(scheduleIds: string[], perSchedule: number): Promise<Map<string, ScheduleRunEntity[]>> {
    const out = new Map<string, ScheduleRunEntity[]>(scheduleIds.map((id) => [id, []]));
    if (scheduleIds.length === 0) return out;
    // Each schedule's newest N through a lateral join: the unique (schedule_id, slot) index serves it.
    const rows = await this.em.getConnection().execute<{ id: string }[]>(
      `select r.id from unnest(?::text[]::uuid[]) as s(id)
       cross join lateral (select id from scans.schedule_run where schedule_id = s.id and account_id = ? order by slot desc limit ?) r`,
      [pgTextArray(scheduleIds), this.tenant.accountId, perSchedule],
    );
    if (rows.length === 0) return out;
    const runs = await this.em.find(ScheduleRunEntity, { id: { $in: rows.map((r) => r.id) } }, { orderBy: { slot: 'desc' }, disableIdentityMap: true });
    for (const r of runs) out.get(r.scheduleId)?.push(r);
    return out;
  }
}
