import { z } from 'zod';
import { RestError } from '../errors.js';
import type { RouteDef } from '../route.js';
import { route } from '../route.js';
import { BODY_ERRORS, COMMON_ERRORS, lower, PATH_ID_RULE, pathId, withRestFields, type GqlFindingStatus } from './shared.js';

const TIERS = ['trial', 'starter', 'professional', 'enterprise'] as const;
const FINDING_STATUSES = ['open', 'in_progress', 'fixed', 'accepted_risk'] as const;

const registerBody = z.object({
  name: z.string().min(1).max(200).describe('The client\'s name, unique in the account (case-insensitive).'),
  email: z.email().max(320).nullish(),
  company: z.string().min(1).max(200).nullish(),
  tier: z.enum(TIERS).nullish().describe('trial (2 scans) | starter (5/mo) | professional (unlimited) | enterprise (unlimited); default: the deployment\'s DEFAULT_CLIENT_TIER.'),
});
type RegisterBody = z.infer<typeof registerBody>;

const registeredSchema = z.object({
  client_id: z.string(),
  token: z.string().describe('A JWT for this client alone (Authorization: Bearer). Shown once — store it securely; only its id is kept.'),
  tier: z.enum(TIERS),
  scan_limit: z.number().int().nullable().describe('Scans the tier allows per period (trial: in total, starter: per month); null means unlimited.'),
  expires_at: z.iso.datetime().describe('When the token stops working.'),
});

interface RegisterData {
  registerClient: { clientId: string; token: string; expiresAt: string; tier: Uppercase<(typeof TIERS)[number]>; scanLimit: number | null };
}

const registerRoute = route<unknown, unknown, RegisterBody, z.infer<typeof registeredSchema>>({
  operationId: 'fixfirstRegisterClient',
  dialect: 'fixfirst',
  method: 'post',
  path: '/clients/register',
  summary: 'Register client and issue JWT token',
  description:
    'Create a new client in the caller\'s account and issue a JWT access token for it. The token is shown once — store it securely. Tiers: trial (2 scans) | starter (5/mo) | professional (unlimited) | enterprise (unlimited). Needs an account-wide key with the clients:admin scope (403 forbidden otherwise); a name already used in the account is 409 conflict.',
  tags: ['Fix First: Clients & Auth'],
  auth: 'fixfirst',
  body: registerBody,
  requestExample: { name: 'Acme Corp', email: 'security@acme.com', company: 'Acme Corporation', tier: 'trial' },
  success: {
    status: 200,
    description: 'The client and its token (shown once).',
    schema: registeredSchema,
    example: { client_id: 'uuid', token: 'eyJhbGci...', tier: 'trial', scan_limit: 2, expires_at: '2027-05-07T14:00:00Z' },
  },
  errors: [...BODY_ERRORS, ...COMMON_ERRORS, 'forbidden'],
  operations: ['RegisterClient'],
  handle: async ({ body }, ctx) => {
    const input = {
      name: body.name,
      ...(body.email ? { email: body.email } : {}),
      ...(body.company ? { company: body.company } : {}),
      ...(body.tier ? { tier: body.tier.toUpperCase() } : {}),
    };
    const data = await withRestFields({ name: 'name', email: 'email', company: 'company', tier: 'tier' }, () => ctx.graphql<RegisterData>('RegisterClient', { input }));
    const r = data.registerClient;
    return { client_id: r.clientId, token: r.token, tier: lower(r.tier), scan_limit: r.scanLimit, expires_at: r.expiresAt };
  },
});

const meSchema = z.object({
  client_id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  company: z.string().nullable(),
  created_at: z.iso.datetime(),
  tier: z.enum(TIERS),
  plan_name: z.string(),
  scan_limit: z.number().int().nullable().describe('Scans allowed per billing period; null means unlimited.'),
  scans_used: z.number().int().describe('Scans counted in the current billing period.'),
  scans_remaining: z.number().int().nullable().describe('scan_limit − scans_used (never below 0); null means unlimited.'),
  active_scans: z.boolean().describe('Whether the tier may run active scans (POST /scan/authorised).'),
  billing_period: z
    .object({
      type: z.enum(['month', 'total']).describe('month: the limit renews each period; total: a lifetime allowance (trial).'),
      start: z.iso.datetime(),
      end: z.iso.datetime().nullable().describe('When the period ends and usage resets; null for a lifetime allowance.'),
    })
    .describe('The period scan usage is counted in.'),
  account: z.object({ id: z.string(), name: z.string() }).describe('The account (MSP or company) that owns the client.'),
  credential: z
    .object({
      kind: z.enum(['api_key', 'client_token']),
      scopes: z.array(z.string()),
      expires_at: z.iso.datetime().nullable(),
    })
    .describe('The credential this request used (never its value).'),
});

interface MeData {
  me: {
    credentialKind: 'API_KEY' | 'CLIENT_TOKEN';
    scopes: string[];
    expiresAt: string | null;
    account: { id: string; name: string };
    client: {
      id: string;
      name: string;
      email: string | null;
      company: string | null;
      createdAt: string;
      plan: { tier: string; name: string; scanLimit: number | null; period: 'TOTAL' | 'MONTH'; activeScans: boolean };
      usage: { used: number; limit: number | null; periodStart: string; periodEnd: string | null };
    } | null;
  };
}

const meRoute = route<unknown, unknown, unknown, z.infer<typeof meSchema>>({
  operationId: 'fixfirstGetClientMe',
  dialect: 'fixfirst',
  method: 'get',
  path: '/clients/me',
  summary: 'Get client info and usage',
  description:
    'Returns the client\'s tier, scan usage and billing period. Use `Authorization: Bearer {token}` (the client JWT from /clients/register), alone or with the account\'s `x-api-key`, or an API key limited to one client. An account-wide key alone names no client: 403 `forbidden` with reason CLIENT_CREDENTIAL_REQUIRED.',
  tags: ['Fix First: Clients & Auth'],
  auth: 'client',
  success: {
    status: 200,
    description: 'The caller\'s client, its plan and usage.',
    schema: meSchema,
    example: {
      client_id: 'uuid',
      name: 'Acme Corp',
      email: 'security@acme.com',
      company: 'Acme Corporation',
      created_at: '2026-05-01T09:00:00Z',
      tier: 'starter',
      plan_name: 'Starter',
      scan_limit: 5,
      scans_used: 2,
      scans_remaining: 3,
      active_scans: true,
      billing_period: { type: 'month', start: '2026-05-01T00:00:00Z', end: '2026-06-01T00:00:00Z' },
      account: { id: 'uuid', name: 'Example MSP' },
      credential: { kind: 'client_token', scopes: ['scans:read', 'scans:write', 'findings:read'], expires_at: '2027-05-01T09:00:00Z' },
    },
  },
  errors: [...COMMON_ERRORS, 'forbidden'],
  operations: ['ClientMe'],
  handle: async (_input, ctx) => {
    const { me } = await ctx.graphql<MeData>('ClientMe');
    const c = me.client;
    if (!c) {
      throw new RestError('forbidden', {
        reason: 'CLIENT_CREDENTIAL_REQUIRED',
        message: 'This credential is not limited to one client: send the client\'s token as Authorization: Bearer, or use a client API key',
      });
    }
    return {
      client_id: c.id,
      name: c.name,
      email: c.email,
      company: c.company,
      created_at: c.createdAt,
      tier: c.plan.tier.toLowerCase() as (typeof TIERS)[number],
      plan_name: c.plan.name,
      scan_limit: c.usage.limit,
      scans_used: c.usage.used,
      scans_remaining: c.usage.limit === null ? null : Math.max(0, c.usage.limit - c.usage.used),
      active_scans: c.plan.activeScans,
      billing_period: { type: c.plan.period === 'MONTH' ? 'month' : 'total', start: c.usage.periodStart, end: c.usage.periodEnd },
      account: me.account,
      credential: { kind: me.credentialKind === 'API_KEY' ? 'api_key' : 'client_token', scopes: me.scopes, expires_at: me.expiresAt },
    };
  },
});

const remediateParams = z.object({ finding_id: pathId('The finding id (UUID), as `id`/`finding_id` of GET /scan/{job_id}/findings.') });
type RemediateParams = z.infer<typeof remediateParams>;

const remediateBody = z.object({
  status: z.enum(FINDING_STATUSES).describe('open | in_progress | fixed | accepted_risk.'),
  note: z.string().max(4000).nullish().describe('Why; required for accepted_risk.'),
  updated_by: z.string().max(200).nullish().describe('Who made the change (a person, a ticket system); the credential is recorded too.'),
  accepted_until: z.iso.datetime({ offset: true }).nullish().describe('accepted_risk only: when the acceptance lapses and the finding reopens.'),
});
type RemediateBody = z.infer<typeof remediateBody>;

const historyEntrySchema = z.object({
  at: z.iso.datetime(),
  from: z.enum(FINDING_STATUSES).nullable(),
  to: z.enum(FINDING_STATUSES),
  note: z.string().nullable(),
  updated_by: z.string().nullable(),
  actor_kind: z.string().describe('user (through the API) or scanner.'),
});

const remediatedSchema = z.object({
  finding_id: z.string(),
  status: z.enum(FINDING_STATUSES).describe('The finding\'s status now.'),
  updated_at: z.iso.datetime(),
  history_entry: historyEntrySchema.describe('The audit-trail entry this change appended (append-only).'),
});

interface RemediateData {
  remediateFinding: {
    id: string;
    status: GqlFindingStatus;
    history: { at: string; actorKind: string; updatedBy: string | null; from: GqlFindingStatus | null; to: GqlFindingStatus; note: string | null }[];
  };
}

const remediateRoute = route<RemediateParams, unknown, RemediateBody, z.infer<typeof remediatedSchema>>({
  operationId: 'fixfirstRemediateFinding',
  dialect: 'fixfirst',
  method: 'patch',
  path: '/finding/{finding_id}/remediate',
  summary: 'Update finding remediation status',
  description: `Mark a finding as fixed, in progress, or accepted risk (or open again). All status changes are logged with timestamp for audit trail. Allowed: open → in_progress / fixed / accepted_risk; in_progress → open / fixed / accepted_risk; fixed → open; accepted_risk → open / in_progress / fixed. A transition outside these is 400 invalid_input (field status); accepted_risk without a note is 400 invalid_input (field note); the status the finding already has is 409 conflict. ${PATH_ID_RULE}`,
  tags: ['Fix First: Remediation Tracking'],
  auth: 'fixfirst',
  params: remediateParams,
  body: remediateBody,
  requestExample: { status: 'fixed', note: 'Patched in deploy 2.4.1', updated_by: 'John Smith' },
  success: {
    status: 200,
    description: 'The finding\'s new status and the audit-trail entry of the change.',
    schema: remediatedSchema,
    example: {
      finding_id: '0190f3c2-...',
      status: 'fixed',
      updated_at: '2026-05-08T10:12:00Z',
      history_entry: { at: '2026-05-08T10:12:00Z', from: 'open', to: 'fixed', note: 'Patched in deploy 2.4.1', updated_by: 'John Smith', actor_kind: 'user' },
    },
  },
  errors: [...BODY_ERRORS, ...COMMON_ERRORS, 'forbidden', 'not_found'],
  operations: ['RemediateFinding'],
  handle: async ({ params, body }, ctx) => {
    const input = {
      id: params.finding_id,
      status: body.status.toUpperCase(),
      note: body.note ?? null,
      updatedBy: body.updated_by ?? null,
      acceptedUntil: body.accepted_until ?? null,
    };
    const fields = { status: 'status', note: 'note', updatedBy: 'updated_by', acceptedUntil: 'accepted_until', id: 'finding_id' };
    const data = await withRestFields(fields, () => ctx.graphql<RemediateData>('RemediateFinding', { input }));
    const f = data.remediateFinding;
    const entry = f.history.at(-1)!;
    return {
      finding_id: f.id,
      status: lower(f.status),
      updated_at: entry.at,
      history_entry: { at: entry.at, from: entry.from ? lower(entry.from) : null, to: lower(entry.to), note: entry.note, updated_by: entry.updatedBy, actor_kind: entry.actorKind },
    };
  },
});

/** The Fix First dialect's client and remediation routes. */
export const fixfirstClientRoutes: RouteDef[] = [registerRoute, meRoute, remediateRoute];
