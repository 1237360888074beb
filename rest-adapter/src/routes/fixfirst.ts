import type { RouteDef } from '../route.js';
import { fixfirstClientRoutes } from './fixfirst-clients.js';
import { fixfirstReportRoutes } from './fixfirst-reports.js';
import { fixfirstScanRoutes } from './fixfirst-scans.js';

/**
 * The Fix First API (reference 000): `x-api-key` on every call, an optional client JWT as
 * `Authorization: Bearer`. Report, schedule, alert and billing routes arrive with their issues.
 */
export const fixfirstRoutes: RouteDef[] = [...fixfirstScanRoutes, ...fixfirstClientRoutes, ...fixfirstReportRoutes];
