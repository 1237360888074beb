import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { Tenant } from '../../../../lib/auth/tenant.js';
import type { Cursor } from '../../../../lib/graphql/cursor.js';
import { AlertAttemptEntity, AlertChannelEntity, AlertDeliveryEntity } from './alert.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Alert channels and deliveries of one tenant: every query is narrowed to it. */
export class AlertRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly tenant: Tenant,
  ) {}

  private scope(): { accountId: string; clientId?: string } {
    return { accountId: this.tenant.accountId, ...(this.tenant.clientId ? { clientId: this.tenant.clientId } : {}) };
  }

  channel(id: string): Promise<AlertChannelEntity | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return this.em.findOne(AlertChannelEntity, { id, ...this.scope() } as FilterQuery<AlertChannelEntity>);
  }

  channels(clientId: string | null): Promise<AlertChannelEntity[]> {
    const where = { ...this.scope(), ...(clientId && !this.tenant.clientId ? { clientId } : {}) };
    return this.em.find(AlertChannelEntity, where as FilterQuery<AlertChannelEntity>, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  delivery(id: string): Promise<AlertDeliveryEntity | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return this.em.findOne(AlertDeliveryEntity, { id, ...this.scope() } as FilterQuery<AlertDeliveryEntity>);
  }

  /** A page of a channel's deliveries, newest first (keyset on created_at, id). */
  deliveries(channelId: string, limit: number, after: Cursor | null): Promise<AlertDeliveryEntity[]> {
    const where: Record<string, unknown> = { channelId, ...this.scope() };
    if (after) where.$or = [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, id: { $lt: after.id } }];
    return this.em.find(AlertDeliveryEntity, where as FilterQuery<AlertDeliveryEntity>, { orderBy: { createdAt: 'desc', id: 'desc' }, limit });
  }

  /** The attempt logs of these deliveries (already tenant-checked), oldest first. */
  attempts(deliveryIds: string[]): Promise<AlertAttemptEntity[]> {
    if (deliveryIds.length === 0) return Promise.resolve([]);
    return this.em.find(AlertAttemptEntity, { deliveryId: { $in: deliveryIds } }, { orderBy: { id: 'asc' } });
  }

  /** Deletes a channel with its deliveries and their logs. */
  async deleteChannel(channel: AlertChannelEntity): Promise<void> {
    await this.em.transactional(async (em) => {
      const conn = em.getConnection();
      const tx = em.getTransactionContext();
      await conn.execute('delete from findings.alert_attempt where delivery_id in (select id from findings.alert_delivery where channel_id = ?)', [channel.id], 'run', tx);
      await conn.execute('delete from findings.alert_delivery where channel_id = ?', [channel.id], 'run', tx);
      await conn.execute('delete from findings.alert_channel where id = ? and account_id = ?', [channel.id, this.tenant.accountId], 'run', tx);
    });
  }
}
