import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../../lib/logger.js';
import { RestError } from './errors.js';
import { GatewayUnavailableError } from './gateway-client.js';

/** body-parser's errors carry a `type`; these are the caller's fault, answered as documented errors. */
interface BodyParserError {
  type?: string;
  status?: number;
}

/** Any thrown value as the REST error to answer; null when it is ours (500, logged). */
export function restErrorFrom(err: unknown): RestError | null {
  if (err instanceof RestError) return err;
  if (err instanceof GatewayUnavailableError) return new RestError('service_unavailable', { message: 'The API is temporarily unavailable; retry shortly' });
  const parserError = err as BodyParserError;
  switch (parserError?.type) {
    case 'entity.too.large':
      return new RestError('payload_too_large');
    case 'entity.parse.failed':
      // The parser's message quotes the body; the answer names the problem without echoing it.
      return new RestError('invalid_input', { issues: [{ field: 'body', message: 'The request body is not valid JSON' }] });
    case 'encoding.unsupported':
    case 'charset.unsupported':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new RestError('invalid_input', { issues: [{ field: 'body', message: 'The request body must be JSON in UTF-8' }] });
    case 'request.aborted':
      return new RestError('invalid_input', { issues: [{ field: 'body', message: 'The request body ended early' }] });
    default:
      return null;
  }
}

/**
 * The last middleware: every error becomes JSON with an `error` key. Unexpected errors are logged
 * (method and route template only: a URL may carry `?api_key=`) and answered as a bare
 * `internal_error`, never with a message or stack.
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let rest = restErrorFrom(err);
    if (!rest) {
      log.error({ err: err instanceof Error ? err.message : String(err), method: req.method, route: routeOf(req) }, 'REST request failed');
      rest = new RestError('internal_error');
    } else if (rest.error === 'internal_error' && rest.cause) {
      log.error({ cause: String(rest.cause), method: req.method, route: routeOf(req) }, 'REST request failed upstream');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    for (const [name, value] of Object.entries(rest.headers)) res.setHeader(name, value);
    if (rest.status === 413) res.setHeader('connection', 'close');
    res.status(rest.status).json(rest.body());
  };
}

/** Unknown paths (and methods a path does not have): the documented 404 shape. */
export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ error: 'not_found' });
};

function routeOf(req: { route?: { path?: unknown }; path: string }): string {
  return typeof req.route?.path === 'string' ? req.route.path : '(unmatched)';
}
