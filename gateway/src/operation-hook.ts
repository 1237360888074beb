import type { DocumentNode } from 'graphql';

/** What an envelop onExecute / onSubscribe hook sees of the operation about to run. */
export interface OperationArgs {
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: Record<string, unknown> | null;
  contextValue: unknown;
}

/** The payload of those hooks: the operation, and how to answer without running it. */
export interface OperationHookPayload {
  args: OperationArgs;
  setResultAndStopExecution(result: never): void;
}
