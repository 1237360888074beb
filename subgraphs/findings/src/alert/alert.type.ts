import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfoType } from '../../../../lib/graphql/page-info.type.js';

export enum AlertChannelKindEnum {
  SLACK = 'SLACK',
  TEAMS = 'TEAMS',
  EMAIL = 'EMAIL',
  WEBHOOK = 'WEBHOOK',
}
registerEnumType(AlertChannelKindEnum, {
  name: 'AlertChannelKind',
  description: 'SLACK and TEAMS: incoming webhooks (Block Kit / Adaptive Card); EMAIL: through the deployment\'s SMTP relay; WEBHOOK: signed JSON POST.',
});

export enum AlertDeliveryStatusEnum {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}
registerEnumType(AlertDeliveryStatusEnum, { name: 'AlertDeliveryStatus', description: 'PENDING: queued or between retries; DELIVERED; FAILED: every retry failed (redeliverAlert sends it again).' });

export enum AlertEventEnum {
  SCAN_FINDINGS = 'SCAN_FINDINGS',
  SCAN_FAILED = 'SCAN_FAILED',
  KEV_ADDED = 'KEV_ADDED',
  TEST = 'TEST',
}
registerEnumType(AlertEventEnum, {
  name: 'AlertEvent',
  description: 'SCAN_FINDINGS: one message per ended scan listing its matching findings; SCAN_FAILED; KEV_ADDED: findings newly in CISA KEV after a feed update (one message per client per feed load); TEST: testAlert.',
});

/** Which events a channel hears. */
@ObjectType('AlertRules')
export class AlertRulesType {
  @Field(() => Boolean, { description: 'Findings in CISA KEV, when a scan ends.' }) kevAlerts!: boolean;
  @Field(() => Boolean, { description: 'CRITICAL findings, when a scan ends.' }) criticalAlerts!: boolean;
  @Field(() => Boolean, { description: 'HIGH findings, when a scan ends.' }) highAlerts!: boolean;
  @Field(() => Boolean, { description: 'Findings a scan saw for the first time on the client.' }) newFinding!: boolean;
  @Field(() => Boolean, { description: 'Findings a scan saw again after they were verified fixed.' }) regression!: boolean;
  @Field(() => Boolean, { description: 'A scan that failed.' }) scanFailed!: boolean;
  @Field(() => Boolean, { description: 'Open findings whose CVE entered CISA KEV with a feed update (no rescan needed).' }) kevAfterFeedUpdate!: boolean;
}

@ObjectType('AlertChannel', { description: 'Where a client\'s alerts go. URLs and secrets are stored encrypted and never shown again; `destination` is scheme and host only.' })
export class AlertChannelType {
  @Field(() => ID) id!: string;
  @Field(() => ID) clientId!: string;
  @Field(() => AlertChannelKindEnum) kind!: AlertChannelKindEnum;
  @Field(() => String, { description: 'Scheme and host of the webhook URL (e.g. `https://hooks.slack.com/…`), or the email recipients.' }) destination!: string;
  @Field(() => [String], { description: 'EMAIL: the recipients.' }) emails!: string[];
  @Field(() => AlertRulesType) rules!: AlertRulesType;
  @Field(() => Boolean) enabled!: boolean;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
}

@ObjectType('ConfiguredAlerts')
export class ConfiguredAlertsType {
  @Field(() => ID) clientId!: string;
  @Field(() => [AlertChannelType], { description: 'Every channel of the client after the change.' }) channels!: AlertChannelType[];
  @Field(() => String, {
    nullable: true,
    description:
      'Only when this call created the WEBHOOK channel: its signing secret (`ffsig-` + 64 hex), shown once. Each POST carries `X-Fixfirst-Timestamp: <unix seconds>` and `X-Fixfirst-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`; recompute it over the raw body, compare in constant time, refuse timestamps older than 5 minutes (README "Alerts").',
  })
  webhookSecret!: string | null;
}

@ObjectType('AlertAttempt', { description: 'One attempt to deliver a message.' })
export class AlertAttemptType {
  @Field(() => Int) attempt!: number;
  @Field(() => Date) at!: Date;
  @Field(() => Boolean) ok!: boolean;
  @Field(() => Int, { nullable: true, description: 'HTTP status (webhooks) or SMTP reply code (email); null when no answer came.' }) responseCode!: number | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Int) durationMs!: number;
}

@ObjectType('AlertDelivery', { description: 'One message to one channel, with its delivery log.' })
export class AlertDeliveryType {
  @Field(() => ID) id!: string;
  @Field(() => ID) channelId!: string;
  @Field(() => AlertEventEnum) event!: AlertEventEnum;
  @Field(() => String) summary!: string;
  @Field(() => ID, { nullable: true }) scanId!: string | null;
  @Field(() => AlertDeliveryStatusEnum) status!: AlertDeliveryStatusEnum;
  @Field(() => Int, { description: 'Attempts made so far (redeliveries included).' }) attempts!: number;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => Int, { nullable: true }) lastResponseCode!: number | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
  @Field(() => Date, { nullable: true }) deliveredAt!: Date | null;
  @Field(() => [AlertAttemptType], { description: 'Every attempt, oldest first.' }) log!: AlertAttemptType[];
}

@ObjectType('AlertDeliveryEdge')
export class AlertDeliveryEdgeType {
  @Field(() => String) cursor!: string;
  @Field(() => AlertDeliveryType) node!: AlertDeliveryType;
}

@ObjectType('AlertDeliveryConnection', { description: 'A channel\'s deliveries, newest first.' })
export class AlertDeliveryConnectionType {
  @Field(() => [AlertDeliveryEdgeType]) edges!: AlertDeliveryEdgeType[];
  @Field(() => PageInfoType) pageInfo!: PageInfoType;
}
