import { pino, type Logger } from 'pino';

/** JSON logs with credentials redacted wherever they appear in a logged object. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    redact: {
      paths: [
        'apiKey',
        'token',
        'password',
        'secret',
        '*.apiKey',
        '*.token',
        '*.password',
        '*.secret',
        'req.headers["x-api-key"]',
        'req.headers.authorization',
        'headers["x-api-key"]',
        'headers.authorization',
        'headers["x-fixfirst-identity"]',
        'databaseUrl',
        '*.databaseUrl',
      ],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
