import type { RouteDef } from '../route.js';
import { v1FindingRoutes } from './v1-findings.js';
import { v1ScanRoutes } from './v1-scans.js';

/** The v1 REST API (reference 001): `Authorization: Bearer fxv_…`, cursor pagination, snake_case JSON. */
export const v1Routes: RouteDef[] = [...v1ScanRoutes, ...v1FindingRoutes];
