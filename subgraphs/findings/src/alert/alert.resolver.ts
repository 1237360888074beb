import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { FindingsContext } from '../context.js';
import type { AlertAttemptEntity, AlertChannelEntity, AlertDeliveryEntity } from './alert.entity.js';
import { ConfigureAlertsInput, UpdateAlertChannelInput } from './alert.input.js';
import {
  AlertAttemptType,
  AlertChannelKindEnum,
  AlertChannelType,
  AlertDeliveryConnectionType,
  AlertDeliveryStatusEnum,
  AlertDeliveryType,
  AlertEventEnum,
  AlertRulesType,
  ConfiguredAlertsType,
} from './alert.type.js';

const SIGNATURE_DOC =
  'Generic webhooks are signed: `X-Fixfirst-Timestamp: <unix seconds>` and `X-Fixfirst-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` (README "Alerts" has a Node verification example).';

export function toChannelType(c: AlertChannelEntity): AlertChannelType {
  return Object.assign(new AlertChannelType(), {
    id: c.id,
    clientId: c.clientId,
    kind: c.kind as AlertChannelKindEnum,
    destination: c.destinationHint,
    emails: c.emails ?? [],
    rules: Object.assign(new AlertRulesType(), {
      kevAlerts: c.kevAlerts,
      criticalAlerts: c.criticalAlerts,
      highAlerts: c.highAlerts,
      newFinding: c.newFinding,
      regression: c.regression,
      scanFailed: c.scanFailed,
      kevAfterFeedUpdate: c.kevAfterFeedUpdate,
    }),
    enabled: c.enabled,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  });
}

export function toDeliveryType(d: AlertDeliveryEntity, log: AlertAttemptEntity[]): AlertDeliveryType {
  return Object.assign(new AlertDeliveryType(), {
    id: d.id,
    channelId: d.channelId,
    event: d.event as AlertEventEnum,
    summary: d.summary,
    scanId: d.scanId ?? null,
    status: d.status as AlertDeliveryStatusEnum,
    attempts: d.attempts,
    lastError: d.lastError ?? null,
    lastResponseCode: d.lastResponseCode ?? null,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    deliveredAt: d.deliveredAt ?? null,
    log: log.map((a) =>
      Object.assign(new AlertAttemptType(), { attempt: a.attempt, at: a.at, ok: a.ok, responseCode: a.responseCode ?? null, error: a.error ?? null, durationMs: a.durationMs }),
    ),
  });
}

/** Alert channels and their delivery logs (README "Alerts"). */
@Resolver()
export class AlertResolver {
  @Mutation(() => ConfiguredAlertsType, {
    description: `Configures a client's alert channels (Slack, Teams, email, generic webhook) and their rules in one call (POST /alerts/configure). ${SIGNATURE_DOC} Needs clients:admin.`,
  })
  async configureAlerts(@Arg('input', () => ConfigureAlertsInput) input: ConfigureAlertsInput, @Ctx() ctx: FindingsContext): Promise<ConfiguredAlertsType> {
    const r = await ctx.alerts().configure({ ...input });
    return Object.assign(new ConfiguredAlertsType(), { clientId: r.clientId, channels: r.channels.map(toChannelType), webhookSecret: r.webhookSecret });
  }

  @Mutation(() => AlertChannelType, { description: 'Changes one channel: URL or recipients, rules, enabled. Needs clients:admin.' })
  async updateAlertChannel(
    @Arg('channelId', () => ID) channelId: string,
    @Arg('input', () => UpdateAlertChannelInput) input: UpdateAlertChannelInput,
    @Ctx() ctx: FindingsContext,
  ): Promise<AlertChannelType> {
    return toChannelType(await ctx.alerts().update(channelId, { ...input }));
  }

  @Mutation(() => Boolean, { description: 'Deletes a channel with its delivery log. Needs clients:admin.' })
  deleteAlertChannel(@Arg('channelId', () => ID) channelId: string, @Ctx() ctx: FindingsContext): Promise<boolean> {
    return ctx.alerts().delete(channelId);
  }

  @Query(() => [AlertChannelType], { description: "The caller's alert channels, of one client when given." })
  async alertChannels(
    @Arg('clientId', () => ID, { nullable: true }) clientId: string | null,
    @Ctx() ctx: FindingsContext,
  ): Promise<AlertChannelType[]> {
    return (await ctx.alerts().channels(clientId ?? null)).map(toChannelType);
  }

  @Query(() => AlertDeliveryConnectionType, { description: 'A channel\'s messages, newest first, each with status, attempts, last error and response code, and its attempt log.' })
  async alertDeliveries(
    @Arg('channelId', () => ID) channelId: string,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1-100 (default 50).' }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: FindingsContext,
  ): Promise<AlertDeliveryConnectionType> {
    const page = await ctx.alerts().deliveries(channelId, first, after);
    return Object.assign(new AlertDeliveryConnectionType(), {
      edges: page.rows.map((r) => ({ cursor: r.cursor, node: toDeliveryType(r.delivery, r.log) })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    });
  }

  @Mutation(() => AlertDeliveryType, { description: `Sends a message again through the queue (a new series of retries), whatever its status. ${SIGNATURE_DOC} Needs clients:admin.` })
  async redeliverAlert(@Arg('deliveryId', () => ID) deliveryId: string, @Ctx() ctx: FindingsContext): Promise<AlertDeliveryType> {
    const svc = ctx.alerts();
    const d = await svc.redeliver(deliveryId);
    return toDeliveryType(d, await svc.logOf(d));
  }

  @Mutation(() => AlertDeliveryType, { description: `Sends a sample message to a channel through the same pipeline as real alerts; follow it with alertDeliveries. ${SIGNATURE_DOC} Needs clients:admin.` })
  async testAlert(@Arg('channelId', () => ID) channelId: string, @Ctx() ctx: FindingsContext): Promise<AlertDeliveryType> {
    return toDeliveryType(await ctx.alerts().test(channelId), []);
  }
}
