import { GraphQLError } from 'graphql';

/** graphql-js wording for a variable value that does not fit its type. */
const INVALID_VARIABLE = /^Variable "\$[^"]+" got invalid value .*? at "([^"]+)"; (.*)$/s;
const MISSING_FIELD = /^Variable "\$[^"]+" got invalid value .*?; Field "([^"]+)" of required type "[^"]+" was not provided\.$/s;

/**
 * Gives variable-coercion errors (an unknown enum value, a missing required field) the stable
 * BAD_USER_INPUT code and the name of the offending field, like every other input error.
 */
export function classifyInputError(error: GraphQLError): GraphQLError {
  if (error.extensions?.code) return error;
  let field: string | undefined;
  const missing = MISSING_FIELD.exec(error.message);
  const invalid = INVALID_VARIABLE.exec(error.message);
  if (missing) field = missing[1];
  else if (invalid) field = invalid[1]!.split('.').at(-1);
  else if (/^Variable "\$[^"]+" of required type "[^"]+" was not provided\.$/.test(error.message)) field = undefined;
  else return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...error.extensions, code: 'BAD_USER_INPUT', ...(field ? { field } : {}) },
  });
}

interface ResultLike {
  errors?: readonly GraphQLError[];
}

/** Envelop/Yoga plugin applying classifyInputError to every result the gateway sends. */
export function inputErrorsPlugin() {
  return {
    onResultProcess({ result, setResult }: { result: unknown; setResult(r: unknown): void }) {
      const r = result as ResultLike | null;
      if (!r || typeof r !== 'object' || Array.isArray(r) || !Array.isArray(r.errors)) return;
      const errors = r.errors.map((e) => (e instanceof GraphQLError ? classifyInputError(e) : e));
      if (errors.some((e, i) => e !== r.errors![i])) setResult({ ...r, errors });
    },
  };
}
