import { readFileSync } from 'node:fs';
import { parse, print } from 'graphql';
import { REPORT_GRANT_OPERATION } from '../../lib/auth/report-url.js';
import { DomainError } from '../../lib/errors.js';
import type { OperationHookPayload } from './operation-hook.js';

/** The report's operation as the REST adapter sends it, printed (comments and layout dropped). */
export function reportGrantOperation(): string {
  return print(parse(readFileSync(REPORT_GRANT_OPERATION.file, 'utf8')));
}

/**
 * Envelop plugin: a request authenticated by a report grant (a signed report link the REST adapter
 * verified) may run the report's own operation for the grant's scan and nothing else. Anything
 * else is FORBIDDEN before it reaches a subgraph, so a grant header captured between adapter and
 * gateway reads no other scan, finding or client within its 60 s.
 */
export function reportGrantPlugin(grantedScanOf: (context: Record<string, unknown>) => string | undefined, operation = reportGrantOperation()) {
  const check = ({ args, setResultAndStopExecution }: OperationHookPayload): void => {
    const scanId = grantedScanOf((args.contextValue ?? {}) as Record<string, unknown>);
    if (scanId === undefined) return;
    const asked = args.variableValues?.[REPORT_GRANT_OPERATION.scanVariable];
    const allowed =
      (args.operationName ?? REPORT_GRANT_OPERATION.name) === REPORT_GRANT_OPERATION.name &&
      print(args.document) === operation &&
      typeof asked === 'string' &&
      asked.toLowerCase() === scanId;
    if (allowed) return;
    setResultAndStopExecution({ data: null, errors: [new DomainError('FORBIDDEN', 'A report link reads its own report and nothing else')] } as never);
  };
  return {
    onExecute: check,
    onSubscribe: check,
  };
}
