import { z } from 'zod';
import type { RouteDef } from '../route.js';
import { route } from '../route.js';
import { BODY_ERRORS, COMMON_ERRORS, withRestFields } from './shared.js';

const KINDS = ['slack', 'teams', 'email', 'webhook'] as const;
const SIGNATURE =
  'Generic webhooks (`webhook_url`) are signed: each POST carries `X-Fixfirst-Timestamp: <unix seconds>` and `X-Fixfirst-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`. Verify by recomputing the HMAC over the raw request body with the secret returned once here, comparing in constant time, and refusing timestamps more than 5 minutes old. Node: `const ok = crypto.timingSafeEqual(Buffer.from(sig), Buffer.from("v1=" + crypto.createHmac("sha256", secret).update(ts + "." + rawBody).digest("hex")))`.';

const configureBody = z.object({
  client_id: z.uuid().describe('The client whose alerts these are.'),
  slack_webhook: z.string().min(1).max(2000).nullish().describe('A Slack incoming webhook URL (Block Kit messages).'),
  teams_webhook: z.string().min(1).max(2000).nullish().describe('A Microsoft Teams incoming webhook URL (Adaptive Card messages).'),
  email: z.union([z.email().max(320), z.array(z.email().max(320)).min(1).max(20)]).nullish().describe('Extension: one address or a list (1-20), sent through the deployment\'s SMTP relay.'),
  webhook_url: z.string().min(1).max(2000).nullish().describe('Extension: a generic webhook URL receiving signed JSON (its secret is returned once).'),
  kev_alerts: z.boolean().nullish().describe('Findings in CISA KEV when a scan ends (new channel: true).'),
  critical_alerts: z.boolean().nullish().describe('CRITICAL findings when a scan ends (new channel: true).'),
  high_alerts: z.boolean().nullish().describe('HIGH findings when a scan ends (new channel: false).'),
  new_finding: z.boolean().nullish().describe('Extension: findings first seen on the client (new channel: false).'),
  regression: z.boolean().nullish().describe('Extension: findings back after being fixed (new channel: false).'),
  scan_failed: z.boolean().nullish().describe('Extension: failed scans (new channel: false).'),
  kev_after_feed_update: z.boolean().nullish().describe('Extension: open findings newly in CISA KEV after a feed update (new channel: as kev_alerts).'),
});
type ConfigureBody = z.infer<typeof configureBody>;

const rulesSchema = z.object({
  kev_alerts: z.boolean(),
  critical_alerts: z.boolean(),
  high_alerts: z.boolean(),
  new_finding: z.boolean(),
  regression: z.boolean(),
  scan_failed: z.boolean(),
  kev_after_feed_update: z.boolean(),
});

const configuredSchema = z.object({
  client_id: z.string(),
  channels: z.array(
    z.object({
      id: z.string(),
      type: z.enum(KINDS),
      destination: z.string().describe('Scheme and host of the URL (the full URL is stored encrypted and never shown again), or the email recipients.'),
      enabled: z.boolean(),
      rules: rulesSchema,
      created_at: z.iso.datetime(),
    }),
  ),
  webhook_secret: z.string().nullable().describe('Only when this call created the generic webhook channel: its signing secret, shown once — store it now.'),
});

interface ConfigureData {
  configureAlerts: {
    clientId: string;
    webhookSecret: string | null;
    channels: {
      id: string;
      kind: 'SLACK' | 'TEAMS' | 'EMAIL' | 'WEBHOOK';
      destination: string;
      enabled: boolean;
      createdAt: string;
      rules: { kevAlerts: boolean; criticalAlerts: boolean; highAlerts: boolean; newFinding: boolean; regression: boolean; scanFailed: boolean; kevAfterFeedUpdate: boolean };
    }[];
  };
}

const FIELDS: Record<string, string> = {
  clientId: 'client_id',
  slackWebhook: 'slack_webhook',
  teamsWebhook: 'teams_webhook',
  webhookUrl: 'webhook_url',
  emails: 'email',
  kevAlerts: 'kev_alerts',
  criticalAlerts: 'critical_alerts',
  highAlerts: 'high_alerts',
  newFinding: 'new_finding',
  scanFailed: 'scan_failed',
  kevAfterFeedUpdate: 'kev_after_feed_update',
};

const configureRoute = route<unknown, unknown, ConfigureBody, z.infer<typeof configuredSchema>>({
  operationId: 'fixfirstConfigureAlerts',
  dialect: 'fixfirst',
  method: 'post',
  path: '/alerts/configure',
  summary: 'Configure Slack / Teams / email alerts',
  description: `Configure webhook alerts for KEV findings and critical vulnerabilities. Fix First fires instant Slack or Teams messages when CISA KEV findings are detected: one message per scan listing every matching finding, with a signed link to the report (it acts for the credential that configured the channel, so revoking that credential stops the links). Channels named here are created or replaced (one per type per client); rules given apply to each of them. Webhook URLs must be https (unless the operator allows http) and reach an address the platform's scan policy allows: otherwise 400 invalid_input naming the field. Needs clients:admin; a client the caller cannot see is 404. ${SIGNATURE}`,
  tags: ['Fix First: Alerts'],
  auth: 'fixfirst',
  body: configureBody,
  requestExample: { client_id: '0190f3c2-7d4e-7a1b-9c3d-2e5f6a7b8c9d', slack_webhook: 'https://hooks.slack.com/...', teams_webhook: 'https://outlook.office.com/...', kev_alerts: true, critical_alerts: true, high_alerts: false },
  success: {
    status: 200,
    description: 'The client\'s channels after the change, and a new generic webhook\'s secret (once).',
    schema: configuredSchema,
    example: {
      client_id: 'uuid',
      channels: [
        {
          id: 'uuid',
          type: 'slack',
          destination: 'https://hooks.slack.com/…',
          enabled: true,
          rules: { kev_alerts: true, critical_alerts: true, high_alerts: false, new_finding: false, regression: false, scan_failed: false, kev_after_feed_update: true },
          created_at: '2026-05-08T10:12:00Z',
        },
      ],
      webhook_secret: null,
    },
  },
  errors: [...BODY_ERRORS, ...COMMON_ERRORS, 'forbidden', 'not_found'],
  operations: ['ConfigureAlerts'],
  handle: async ({ body }, ctx) => {
    const input = {
      clientId: body.client_id,
      slackWebhook: body.slack_webhook ?? null,
      teamsWebhook: body.teams_webhook ?? null,
      webhookUrl: body.webhook_url ?? null,
      emails: body.email ? (Array.isArray(body.email) ? body.email : [body.email]) : null,
      kevAlerts: body.kev_alerts ?? null,
      criticalAlerts: body.critical_alerts ?? null,
      highAlerts: body.high_alerts ?? null,
      newFinding: body.new_finding ?? null,
      regression: body.regression ?? null,
      scanFailed: body.scan_failed ?? null,
      kevAfterFeedUpdate: body.kev_after_feed_update ?? null,
    };
    const { configureAlerts: r } = await withRestFields(FIELDS, () => ctx.graphql<ConfigureData>('ConfigureAlerts', { input }));
    return {
      client_id: r.clientId,
      channels: r.channels.map((c) => ({
        id: c.id,
        type: c.kind.toLowerCase() as (typeof KINDS)[number],
        destination: c.destination,
        enabled: c.enabled,
        rules: {
          kev_alerts: c.rules.kevAlerts,
          critical_alerts: c.rules.criticalAlerts,
          high_alerts: c.rules.highAlerts,
          new_finding: c.rules.newFinding,
          regression: c.rules.regression,
          scan_failed: c.rules.scanFailed,
          kev_after_feed_update: c.rules.kevAfterFeedUpdate,
        },
        created_at: c.createdAt,
      })),
      webhook_secret: r.webhookSecret,
    };
  },
});

/** The Fix First dialect's alert routes. */
export const fixfirstAlertRoutes: RouteDef[] = [configureRoute];
