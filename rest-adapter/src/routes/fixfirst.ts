import type { RouteDef } from '../route.js';
import { fixfirstAlertRoutes } from './fixfirst-alerts.js';
import { fixfirstBillingRoutes } from './fixfirst-billing.js';
import { fixfirstClientRoutes } from './fixfirst-clients.js';
import { fixfirstReportRoutes } from './fixfirst-reports.js';
import { fixfirstScanRoutes } from './fixfirst-scans.js';
import { fixfirstScheduleRoutes } from './fixfirst-schedules.js';

/**
 * The Fix First API (reference 000): `x-api-key` on every call, an optional client JWT as
 * `Authorization: Bearer`. Report, schedule, alert and billing routes arrive with their issues.
 */
export const fixfirstRoutes: RouteDef[] = [...fixfirstScanRoutes, ...fixfirstClientRoutes, ...fixfirstReportRoutes, ...fixfirstBillingRoutes, ...fixfirstScheduleRoutes, ...fixfirstAlertRoutes];
