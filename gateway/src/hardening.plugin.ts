import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import {
  GraphQLError,
  Kind,
  validate,
  visit,
  type ASTNode,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
  type ParseOptions,
  type Source,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/** What one operation may ask for (GRAPHQL_MAX_* settings). */
export interface GraphQLLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxTokens: number;
  introspection: boolean;
}

/** Page size assumed for `first`/`last` given by a variable the request leaves unset: the largest page. */
const UNKNOWN_PAGE_SIZE = 100;

const limitError = (message: string, code: string, limit: number, nodes?: ASTNode | readonly ASTNode[]): GraphQLError =>
  new GraphQLError(message.replace(/^Syntax Error: /, ''), { nodes, extensions: { code, limit } });

/**
 * graphql-armor's rule, made to report (not throw) an error carrying our code, so the request gets
 * the usual 400 with every problem listed.
 */
function reporting(code: string, limit: number, rule: (opts: object) => ValidationRule, opts: object): ValidationRule {
  return (context: ValidationContext) =>
    rule({ ...opts, propagateOnRejection: false, onReject: [(_ctx: unknown, err: GraphQLError) => context.reportError(limitError(err.message, code, limit, err.nodes))] })(context);
}

/**
 * Cost with page sizes known: armor multiplies a list's cost by a literal `first`/`last` only, so
 * `first: $n` would cost as one item. The operation is costed as if its variables were written in
 * (unset ones as the largest page). It runs at execution, not validation: validation results are
 * cached per document, and the cost depends on the variables too.
 */
function costErrors(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, maxCost: number): readonly GraphQLError[] {
  const costed = visit(document, {
    Argument(arg) {
      if ((arg.name.value !== 'first' && arg.name.value !== 'last') || arg.value.kind !== Kind.VARIABLE) return undefined;
      const v = variables?.[arg.value.name.value];
      const size = typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : UNKNOWN_PAGE_SIZE;
      return { ...arg, value: { kind: Kind.INT, value: String(size) } };
    },
  });
  const rule = reporting('COST_LIMIT_EXCEEDED', maxCost, costLimitRule as (o: object) => ValidationRule, { maxCost, flattenFragments: true });
  return validate(schema, costed, [rule]);
}

/** Refuses `__schema` / `__type` (aliased or not); `__typename` stays allowed. */
const noIntrospection: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '__schema' || node.name.value === '__type') {
      context.reportError(
        new GraphQLError('Introspection is disabled on this gateway (GRAPHQL_INTROSPECTION=false)', { nodes: node, extensions: { code: 'INTROSPECTION_DISABLED' } }),
      );
    }
  },
});

const SUGGESTION = / ?Did you mean .*\?$/s;

/** Without introspection, "Did you mean …?" would leak the schema one field at a time. */
function withoutSuggestions(errors: readonly GraphQLError[]): GraphQLError[] | null {
  if (!errors.some((e) => SUGGESTION.test(e.message))) return null;
  return errors.map((e) =>
    SUGGESTION.test(e.message)
      ? new GraphQLError(e.message.replace(SUGGESTION, ''), { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, originalError: e.originalError, extensions: e.extensions })
      : e,
  );
}

interface ResultLike {
  errors?: readonly GraphQLError[];
}

function stripResult(result: unknown, setResult: (r: never) => void): void {
  const r = result as ResultLike | null;
  if (!r || typeof r !== 'object' || !Array.isArray(r.errors)) return;
  const errors = withoutSuggestions(r.errors);
  if (errors) setResult({ ...r, errors } as never);
}

/**
 * Envelop plugin: token limit at parse; depth, aliases, cost and (unless enabled) introspection at
 * validation, each refused with its own code (TOKEN_LIMIT_EXCEEDED, DEPTH_LIMIT_EXCEEDED,
 * ALIAS_LIMIT_EXCEEDED, INTROSPECTION_DISABLED) and the limit; cost (COST_LIMIT_EXCEEDED) just
 * before execution; field
 * suggestions removed from every error while introspection is off. Applies to HTTP and WebSocket
 * operations alike (both run through the gateway's envelop).
 */
export function hardeningPlugin(limits: GraphQLLimits): GatewayPlugin {
  const parseWithTokenLimit = (source: string | Source, options?: ParseOptions): DocumentNode =>
    new MaxTokensParserWLexer(source, {
      ...options,
      n: limits.maxTokens,
      propagateOnRejection: false,
      onReject: [
        () => {
          throw new GraphQLError(`Token limit of ${limits.maxTokens} exceeded`, { extensions: { code: 'TOKEN_LIMIT_EXCEEDED', limit: limits.maxTokens, http: { status: 400 } } });
        },
      ],
    } as ConstructorParameters<typeof MaxTokensParserWLexer>[1]).parseDocument();
  // Fragments are a way of writing a selection, not nesting: they add neither depth nor cost.
  const depth = reporting('DEPTH_LIMIT_EXCEEDED', limits.maxDepth, maxDepthRule as (o: object) => ValidationRule, { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true });
  const aliases = reporting('ALIAS_LIMIT_EXCEEDED', limits.maxAliases, maxAliasesRule as (o: object) => ValidationRule, { n: limits.maxAliases });
  const refuseCostly = (args: ExecutionArgs, stop: (result: ExecutionResult) => void): boolean => {
    const errors = costErrors(args.schema, args.document, (args.variableValues ?? undefined) as Record<string, unknown> | undefined, limits.maxCost);
    if (errors.length) stop({ data: null, errors });
    return errors.length > 0;
  };
  return {
    onParse({ setParseFn }) {
      setParseFn(parseWithTokenLimit);
    },
    onValidate({ addValidationRule }) {
      addValidationRule(depth);
      addValidationRule(aliases);
      if (limits.introspection) return;
      addValidationRule(noIntrospection);
      return ({ result, setResult }) => {
        const errors = withoutSuggestions(result.filter((e): e is GraphQLError => e instanceof GraphQLError));
        if (errors) setResult([...errors, ...result.filter((e) => !(e instanceof GraphQLError))]);
      };
    },
    onExecute({ args, setResultAndStopExecution }) {
      if (refuseCostly(args, setResultAndStopExecution) || limits.introspection) return;
      return { onExecuteDone: ({ result, setResult }) => stripResult(result, setResult as (r: never) => void) };
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      if (refuseCostly(args, setResultAndStopExecution) || limits.introspection) return;
      return { onSubscribeResult: ({ result, setResult }) => stripResult(result, setResult as (r: never) => void) };
    },
  };
}
