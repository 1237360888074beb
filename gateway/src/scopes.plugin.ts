import type { Identity } from '../../lib/auth/identity.js';
import { DomainError, UnauthenticatedError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { describeShortfall, missingScopes } from './scope-rules.js';
import type { OperationHookPayload } from './operation-hook.js';

/**
 * Envelop plugin: before an operation (query, mutation or subscription, over HTTP or WebSocket)
 * runs, every root field it selects must be allowed to the caller's scopes (scope-rules.ts).
 * Refused with FORBIDDEN naming the missing scopes; nothing reaches a subgraph.
 */
export function scopesPlugin(identityOf: (context: Record<string, unknown>) => Identity | undefined, log: Logger) {
  const check = ({ args, setResultAndStopExecution }: OperationHookPayload): void => {
    const identity = identityOf((args.contextValue ?? {}) as Record<string, unknown>);
    if (!identity) {
      // The HTTP and WebSocket entry points authenticate first; reaching here without a caller is a wiring bug.
      setResultAndStopExecution({ data: null, errors: [new UnauthenticatedError()] } as never);
      return;
    }
    const shortfall = missingScopes(args.document, args.operationName, identity.scopes);
    if (!shortfall.length) return;
    const unruled = shortfall.filter((s) => s.scope === null).map((s) => s.field);
    if (unruled.length) log.error({ fields: unruled }, 'root fields without a scope rule in gateway/src/scope-rules.ts are refused');
    const error = new DomainError('FORBIDDEN', describeShortfall(shortfall), {
      missing_scopes: [...new Set(shortfall.flatMap((s) => (s.scope ? [s.scope] : [])))],
    });
    setResultAndStopExecution({ data: null, errors: [error] } as never);
  };
  return {
    onExecute: check,
    onSubscribe: check,
  };
}
