import { Field, ID, InputType } from 'type-graphql';
import { z } from 'zod';

const url = z.string().trim().min(1, 'must not be empty').max(2000, 'must be at most 2000 characters');
const emails = z.array(z.email('must be email addresses').max(320)).min(1, 'must list at least one address').max(20, 'must list at most 20 addresses');
const rules = {
  kevAlerts: z.boolean().nullish(),
  criticalAlerts: z.boolean().nullish(),
  highAlerts: z.boolean().nullish(),
  newFinding: z.boolean().nullish(),
  regression: z.boolean().nullish(),
  scanFailed: z.boolean().nullish(),
  kevAfterFeedUpdate: z.boolean().nullish(),
};
export type RuleFlags = { [K in keyof typeof rules]?: boolean | null };

/** configureAlerts' input, validated. */
export const configureAlertsSchema = z.object({
  clientId: z.string(),
  slackWebhook: url.nullish(),
  teamsWebhook: url.nullish(),
  webhookUrl: url.nullish(),
  emails: emails.nullish(),
  ...rules,
});
export type ConfigureAlertsArgs = z.infer<typeof configureAlertsSchema>;

/** updateAlertChannel's input: absent fields stay as they are. */
export const updateAlertChannelSchema = z.object({ url: url.nullish(), emails: emails.nullish(), enabled: z.boolean().nullish(), ...rules });
export type UpdateAlertChannelArgs = z.infer<typeof updateAlertChannelSchema>;

@InputType('AlertRuleFlagsInput')
abstract class RuleFlagsInput {
  @Field(() => Boolean, { nullable: true, description: 'Findings in CISA KEV when a scan ends (new channel: true).' }) kevAlerts?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'CRITICAL findings (new channel: true).' }) criticalAlerts?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'HIGH findings (new channel: false).' }) highAlerts?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Findings first seen on the client (new channel: false).' }) newFinding?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Findings back after being fixed (new channel: false).' }) regression?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Failed scans (new channel: false).' }) scanFailed?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Findings newly in CISA KEV after a feed update (new channel: as kevAlerts).' }) kevAfterFeedUpdate?: boolean | null;
}

@InputType('ConfigureAlertsInput', {
  description:
    'Upserts the client\'s channels named here (one per kind; a URL given replaces the stored one) and applies the rules given to each of them; channels and rules left out stay as they are. Webhook URLs must be https (unless the operator sets ALERT_ALLOW_HTTP) and reach an address the scan policy allows.',
})
export class ConfigureAlertsInput extends RuleFlagsInput {
  @Field(() => ID) clientId!: string;
  @Field(() => String, { nullable: true, description: 'A Slack incoming webhook URL.' }) slackWebhook?: string | null;
  @Field(() => String, { nullable: true, description: 'A Microsoft Teams incoming webhook (or Workflows) URL.' }) teamsWebhook?: string | null;
  @Field(() => String, { nullable: true, description: 'A generic webhook URL: signed JSON POSTs (secret returned once).' }) webhookUrl?: string | null;
  @Field(() => [String], { nullable: true, description: 'Email recipients (1-20), sent through the deployment\'s SMTP relay.' }) emails?: string[] | null;
}

@InputType('UpdateAlertChannelInput', { description: 'Fields left out stay as they are.' })
export class UpdateAlertChannelInput extends RuleFlagsInput {
  @Field(() => String, { nullable: true, description: 'SLACK, TEAMS, WEBHOOK: a new URL (checked like at creation).' }) url?: string | null;
  @Field(() => [String], { nullable: true, description: 'EMAIL: new recipients.' }) emails?: string[] | null;
  @Field(() => Boolean, { nullable: true }) enabled?: boolean | null;
}
