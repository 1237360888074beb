import { z } from 'zod';
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
});

interface ScheduleData {
  scheduleScan: {
    id: string;
    client: { id: string };
    target: string;
    targetType: GqlTargetType;
    profile: 'LIGHT' | 'STANDARD' | 'AGGRESSIVE';
    frequency: 'DAILY' | 'WEEKLY' | 'MONTHLY';
    timeZone: string;
    timeOfDay: string;
    nextRunAt: string;
    paused: boolean;
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
};

const scheduleRoute = route<unknown, unknown, ScheduleBody, z.infer<typeof scheduledSchema>>({
  operationId: 'fixfirstScheduleScan',
  dialect: 'fixfirst',
  method: 'post',
  path: '/scans/schedule',
  summary: 'Schedule recurring scan',
  description:
    'Schedule a scan to run automatically at a regular interval. Frequencies: daily | weekly | monthly. Scheduled scans are authorised automatically: each run is queued without a further request, as a passive scan like POST /scan, recorded with `triggered_by: "schedule"`. ' +
    'Runs happen at 03:00 in `time_zone` (UTC by default): daily every day, weekly on Mondays, monthly on the 1st; across daylight-saving changes a run is neither skipped nor doubled. ' +
    'Each run counts against the client\'s scan quota when it starts; a run over quota is recorded as skipped with the reason (GraphQL `schedules { runs }`), never dropped silently. ' +
    "A client_id of another tenant is 404 not_found. Active (probing) schedules, cron expressions, other times and pausing are available through GraphQL (`scheduleScan`, `pauseSchedule`).",
  tags: ['Fix First: Scheduled Scans'],
  auth: 'fixfirst',
  body: scheduleBody,
  requestExample: { client_id: 'uuid', target: 'company.com', target_type: 'domain', scan_profile: 'standard', frequency: 'weekly' },
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
    },
  },
  errors: [...BODY_ERRORS, ...COMMON_ERRORS, 'forbidden', 'not_found'],
  operations: ['ScheduleScan'],
  handle: async ({ body }, ctx) => {
    const input = {
      target: body.target,
      targetType: body.target_type ? (body.target_type.toUpperCase() as GqlTargetType) : inferTargetType(body.target),
      profile: (body.scan_profile ?? 'standard').toUpperCase(),
      mode: 'PASSIVE',
      frequency: body.frequency.toUpperCase(),
      timeZone: body.time_zone ?? 'UTC',
      ...(body.client_id ? { clientId: body.client_id } : {}),
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
    };
  },
});

/** The Fix First dialect's scheduled-scan routes. */
export const fixfirstScheduleRoutes: RouteDef[] = [scheduleRoute];
