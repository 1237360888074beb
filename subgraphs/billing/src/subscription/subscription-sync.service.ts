import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from 'uuidv7';
import type { Tier } from '../plan/plan.catalog.js';
import type { PlanUpdate } from '../webhook/stripe-event.mapper.js';

/** How one Stripe event ended: applied, already processed, older than the state, or none of ours. */
export type EventOutcome = 'applied' | 'duplicate' | 'stale' | 'ignored';

/** A Stripe event as the processed-event table keys it. */
export interface EventRef {
  id: string;
  type: string;
  created: Date;
}

interface PlanRow {
  client_id: string;
  account_id: string;
  tier: string;
  stripe_customer_id: string | null;
  stripe_subscription_id: string | null;
  /** As the driver returns it (a string or a Date): compared through new Date(). */
  stripe_event_at: Date | string | null;
}

/**
 * Applies Stripe's subscription state to client plans, exactly once per event: the event id is
 * inserted into billing.stripe_event in the same transaction as the change (a retried delivery
 * finds it and changes nothing; a concurrent one waits on the row and then does nothing), and the
 * plan row is locked while it is compared and changed. Per client, an event older than the last
 * one applied (Stripe's `created`) is recorded as stale and changes nothing, so deliveries out of
 * order never bring back an older state, of the same subscription or of one it replaced.
 */
export class SubscriptionSyncService {
  constructor(
    private readonly em: EntityManager,
    private readonly defaultTier: Tier,
  ) {}

  /** Whether the event was already processed (saves a Stripe API call on a retried delivery). */
  async seen(eventId: string): Promise<boolean> {
    const rows = await this.em.getConnection().execute<{ one: number }[]>('select 1 as one from billing.stripe_event where event_id = ?', [eventId]);
    return rows.length > 0;
  }

  /** Records an event that asks nothing of any plan (first delivery only). */
  async ignore(event: EventRef): Promise<EventOutcome> {
    const rows = await this.em
      .getConnection()
      .execute<{ event_id: string }[]>(
        `insert into billing.stripe_event (event_id, type, event_created, client_id, outcome, processed_at) values (?, ?, ?, null, 'ignored', now())
         on conflict (event_id) do nothing returning event_id`,
        [event.id, event.type, event.created],
      );
    return rows.length ? 'ignored' : 'duplicate';
  }

  async apply(event: EventRef, update: PlanUpdate): Promise<{ outcome: EventOutcome; clientId: string | null }> {
    return this.em.fork().transactional(async (em) => {
      const tx = em.getTransactionContext();
      const sql = <T>(query: string, params: unknown[]) => em.getConnection().execute(query, params, 'all', tx) as Promise<T>;
      const claimed = await sql<{ event_id: string }[]>(
        `insert into billing.stripe_event (event_id, type, event_created, client_id, outcome, processed_at) values (?, ?, ?, null, 'applied', now())
         on conflict (event_id) do nothing returning event_id`,
        [event.id, event.type, event.created],
      );
      if (!claimed.length) return { outcome: 'duplicate' as const, clientId: null };
      const finish = async (outcome: EventOutcome, clientId: string | null) => {
        await sql('update billing.stripe_event set outcome = ?, client_id = ? where event_id = ?', [outcome, clientId, event.id]);
        return { outcome, clientId };
      };

      const row = await this.lockPlan(sql, update);
      if (!row) return finish('ignored', null);
      const sameSubscription = row.stripe_subscription_id === update.subscriptionId;
      // An ending of some other subscription never downgrades a client paying through its current one.
      if (update.lapses && row.stripe_subscription_id && !sameSubscription) return finish('stale', row.client_id);
      // Older than the last event applied to this client, whichever subscription it was about: a
      // late event of a replaced subscription must not take the plan back to it (its later end
      // would then be refused as "another subscription's" and the client kept its paid tier).
      if (row.stripe_event_at && event.created < new Date(row.stripe_event_at)) return finish('stale', row.client_id);

      const tier = update.tier ?? row.tier;
      const changed = tier !== row.tier;
      await sql(
        `update billing.client_plan set tier = ?, subscribed_at = case when ? then now() else subscribed_at end, updated_at = now(),
           stripe_customer_id = coalesce(?, stripe_customer_id), stripe_subscription_id = ?, subscription_status = ?,
           period_start = ?, period_end = ?, stripe_event_at = ?
         where client_id = ?`,
        [tier, changed, update.customerId, update.subscriptionId, update.status, update.periodStart, update.periodEnd, event.created, row.client_id],
      );
      if (changed) {
        await sql(
          `insert into billing.plan_change (id, client_id, account_id, from_tier, to_tier, reason, stripe_event_id, stripe_subscription_id, period_start, period_end, created_at)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())`,
          [uuidv7(), row.client_id, row.account_id, row.tier, tier, update.reason, event.id, update.subscriptionId, update.periodStart, update.periodEnd],
        );
      }
      return finish('applied', row.client_id);
    });
  }

  /**
   * The plan row the update names, locked for this transaction: by our metadata's client (its
   * plan created on first use, on the account the metadata names), else by the subscription id.
   * A client whose plan belongs to another account than the metadata says is left alone.
   */
  private async lockPlan(sql: <T>(q: string, p: unknown[]) => Promise<T>, update: PlanUpdate): Promise<PlanRow | null> {
    const columns = 'client_id, account_id, tier, stripe_customer_id, stripe_subscription_id, stripe_event_at';
    if (update.clientId && isUuid(update.clientId)) {
      if (update.accountId && isUuid(update.accountId)) {
        await sql(
          `insert into billing.client_plan (client_id, account_id, tier, subscribed_at, updated_at) values (?, ?, ?, now(), now()) on conflict (client_id) do nothing`,
          [update.clientId, update.accountId, this.defaultTier],
        );
      }
      const rows = await sql<PlanRow[]>(`select ${columns} from billing.client_plan where client_id = ? for update`, [update.clientId]);
      const row = rows[0];
      if (!row || (update.accountId && row.account_id !== update.accountId)) return null;
      return row;
    }
    const rows = await sql<PlanRow[]>(`select ${columns} from billing.client_plan where stripe_subscription_id = ? for update`, [update.subscriptionId]);
    return rows.length === 1 ? rows[0]! : null;
  }
}

function isUuid(v: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
}
