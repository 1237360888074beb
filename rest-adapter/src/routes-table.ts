import type { RouteDef } from './route.js';
import { fixfirstRoutes } from './routes/fixfirst.js';
import { v1Routes } from './routes/v1.js';

/** Every route of both dialects: the one table the handlers and the OpenAPI document are built from. */
export const ROUTES: readonly RouteDef[] = [...fixfirstRoutes, ...v1Routes];
