import { z } from 'zod';
import { RestError } from '../errors.js';
import type { RouteDef } from '../route.js';
import { route } from '../route.js';
import { BODY_ERRORS, COMMON_ERRORS, inferTargetType, lower, withRestFields, type GqlTargetType } from './shared.js';

const FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;

const scheduleBody = z.object({
  // Any string, as the published example sends the placeholder "uuid": an id naming no client of the caller is 404 not_found.
  client_id: z
    .string()
    .min(1)
    .max(64)
    .nullish()
    .describe("The client's id (UUID) the scans are for; default: the credential's client (client JWT or client key), or the account's default client. An id naming no client of the caller is 404 not_found."),
  target: z.string().min(1).max(2048).describe('IP, domain, URL, or CIDR.'),
  target_type: z.enum(['ip', 'domain', 'url', 'cidr']).nullish().describe('ip | domain | url | cidr; inferred from `target` when left out.'),
  scan_profile: z.enum(['light', 'standard', 'aggressive']).nullish().describe('light | standard | aggressive; default standard.'),
  frequency: z.enum(FREQUENCIES).describe('daily | weekly | monthly.'),
  time_zone: z.string().min(1).max(64).nullish().describe('Extension: IANA time zone the runs follow (e.g. Europe/London); default UTC.'),
  authorised: z
    .boolean()
    .nullish()
    .describe(
      'Extension: true makes an ACTIVE schedule with a standing authorisation, checked as POST /scan/authorised checks one scan (paid plan, target proven to be the client\'s); each run\'s scan gets its own authorisation record (source SCHEDULE). false is refused (403 forbidden, reason NOT_AUTHORISED). Left out: a passive schedule.',
    ),
  authorised_by: z.string().min(1).max(200).nullish().describe('Extension, with `authorised: true` only: who gave the standing authorisation.'),
});
type ScheduleBody = z.infer<typeof scheduleBody>;

const scheduledSchema = z.object({
  schedule_id: z.string().describe('The schedule id (UUID).'),
  client_id: z.string(),
  target: z.string().describe('The target as the platform normalised it.'),
  target_type: z.enum(['ip', 'domain', 'url', 'cidr']),
  scan_profile: z.enum(['light', 'standard', 'aggressive']),
  frequency: z.enum(FREQUENCIES),
  time_zone: z.string(),
  time_of_day: z.string().describe('Local time of each run, HH:MM (03:00: a time every day has exactly once across daylight-saving changes).'),
  next_run_at: z.iso.datetime().describe('When the first run starts.'),
  status: z.enum(['active', 'paused']),
  mode: z.enum(['passive', 'active']).describe('passive, or active when the schedule was created with `authorised: true`.'),
  authorisation: z
    .object({
      authorised: z.literal(true),
      authorised_by: z.string().nullable(),
      authorised_at: z.iso.datetime().describe('When the standing authorisation was given.'),
    })
    .nullable()
    .describe('Active schedules: the standing authorisation every run is re-checked against; null for passive ones.'),
});

interface ScheduleData {
  scheduleScan: {
    id: string;
    client: { id: string };
    target: string;
    targetType: GqlTargetType;
    profile: 'LIGHT' | 'STANDARD' | 'AGGRESSIVE';
    mode: 'PASSIVE' | 'ACTIVE';
    frequency: 'DAILY' | 'WEEKLY' | 'MONTHLY';
    timeZone: string;
    timeOfDay: string;
    nextRunAt: string;
    paused: boolean;
    authorisedBy: string | null;
    authorisedAt: string | null;
  };
}

/** GraphQL's scheduleScan input fields → the REST body's. */
const REST_FIELDS: Record<string, string> = {
  clientId: 'client_id',
  target: 'target',
  targetType: 'target_type',
  profile: 'scan_profile',
  frequency: 'frequency',
  timeZone: 'time_zone',
  'authorisation.authorised': 'authorised',
  'authorisation.authorisedBy': 'authorised_by',
  authorisation: 'authorised',
};

const scheduleRoute = route<unknown, unknown, ScheduleBody, z.infer<typeof scheduledSchema>>({
  operationId: 'fixfirstScheduleScan',
  dialect: 'fixfirst',
  method: 'post',
  path: '/scans/schedule',
  summary: 'Schedule recurring scan',
  description:
    'Schedule a scan to run automatically at a regular interval. Frequencies: daily | weekly | monthly. Scheduled scans are authorised automatically: each run is queued without a further request, recorded with `triggered_by: "schedule"`. ' +
    'By default a run is a passive scan like POST /scan. Extension: `authorised: true` (and optionally `authorised_by`) makes an active schedule, the recurring form of POST /scan/authorised: the authorisation is given once and stands for every run. ' +
    'It is refused as POST /scan/authorised is, with 403 `forbidden` and a `reason`, when the client\'s plan has no active scans (PLAN_WITHOUT_ACTIVE_SCANS), the target is not proven to be the client\'s (TARGET_UNVERIFIED, VERIFICATION_EXPIRED, VERIFICATION_FAILED) or `authorised` is false (NOT_AUTHORISED); `authorised_by` without `authorised` is 400 invalid_input. ' +
    'The plan and the proof are checked again before every run: a run they no longer allow is recorded as skipped with that reason, and each run that starts gets its own immutable authorisation record (source SCHEDULE, the schedule\'s id). ' +
    'Runs happen at 03:00 in `time_zone` (UTC by default): daily every day, weekly on Mondays, monthly on the 1st; across daylight-saving changes a run is neither skipped nor doubled. ' +
    'Each run counts against the client\'s scan quota when it starts; a run over quota is recorded as skipped with the reason (GraphQL `schedules { runs }`), never dropped silently. ' +
    "A client_id of another tenant is 404 not_found. Cron expressions, other times and pausing are available through GraphQL (`scheduleScan`, `updateSchedule`, `pauseSchedule`).",
  tags: ['Fix First: Scheduled Scans'],
  auth: 'fixfirst',
  body: scheduleBody,
  requestExample: { client_id: 'uuid', target: 'company.com', target_type: 'domain', scan_profile: 'standard', frequency: 'weekly' },
  // `authorised` / `authorised_by` extend the published body: see the description.
  success: {
    status: 200,
    description: 'The schedule, with its first run time.',
    schema: scheduledSchema,
    example: {
      schedule_id: '0190f3c2-...',
      client_id: 'uuid',
      target: 'company.com',
      target_type: 'domain',
      scan_profile: 'standard',
      frequency: 'weekly',
      time_zone: 'UTC',
      time_of_day: '03:00',
      next_run_at: '2026-05-11T03:00:00.000Z',
      status: 'active',
      mode: 'passive',
      authorisation: null,
    },
  },
  errors: [...BODY_ERRORS, ...COMMON_ERRORS, 'forbidden', 'not_found'],
  operations: ['ScheduleScan'],
  handle: async ({ body }, ctx) => {
    const active = body.authorised !== null && body.authorised !== undefined;
    // A name without the confirmation authorises nothing: said, rather than quietly scheduling a passive scan.
    if (!active && body.authorised_by) {
      throw new RestError('invalid_input', { issues: [{ field: 'authorised', message: 'authorised_by needs authorised: true (an active schedule); leave both out for a passive one' }] });
    }
    const input = {
      target: body.target,
      targetType: body.target_type ? (body.target_type.toUpperCase() as GqlTargetType) : inferTargetType(body.target),
      profile: (body.scan_profile ?? 'standard').toUpperCase(),
      mode: active ? 'ACTIVE' : 'PASSIVE',
      frequency: body.frequency.toUpperCase(),
      timeZone: body.time_zone ?? 'UTC',
      ...(body.client_id ? { clientId: body.client_id } : {}),
      ...(active ? { authorisation: { authorised: body.authorised, authorisedBy: body.authorised_by ?? null } } : {}),
    };
    const data = await withRestFields(REST_FIELDS, () => ctx.graphql<ScheduleData>('ScheduleScan', { input }));
    const s = data.scheduleScan;
    return {
      schedule_id: s.id,
      client_id: s.client.id,
      target: s.target,
      target_type: lower(s.targetType),
      scan_profile: lower(s.profile),
      frequency: lower(s.frequency),
      time_zone: s.timeZone,
      time_of_day: s.timeOfDay,
      next_run_at: s.nextRunAt,
      status: s.paused ? 'paused' : 'active',
      mode: lower(s.mode),
      authorisation: s.mode === 'ACTIVE' && s.authorisedAt ? { authorised: true as const, authorised_by: s.authorisedBy, authorised_at: s.authorisedAt } : null,
    };
  },
});

/** The Fix First dialect's scheduled-scan routes. */
export const fixfirstScheduleRoutes: RouteDef[] = [scheduleRoute];
