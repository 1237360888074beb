import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { classifyInputError, inputErrorsPlugin } from './input-errors.plugin.js';

describe('input errors at the gateway', () => {
  it('name the field of an unknown enum value and say BAD_USER_INPUT', () => {
    const e = classifyInputError(
      new GraphQLError('Variable "$i" got invalid value "HOSTNAME" at "i.targetType"; Value "HOSTNAME" does not exist in "TargetType" enum.'),
    );
    expect(e.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'targetType' });
  });

  it('name a missing required field', () => {
    const e = classifyInputError(
      new GraphQLError('Variable "$i" got invalid value { target: "x" }; Field "targetType" of required type "TargetType!" was not provided.'),
    );
    expect(e.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'targetType' });
  });

  it('leave errors that already have a code, or are not about input, as they are', () => {
    const coded = new GraphQLError('nope', { extensions: { code: 'FORBIDDEN' } });
    expect(classifyInputError(coded)).toBe(coded);
    const other = new GraphQLError('Cannot query field "x" on type "Query".');
    expect(classifyInputError(other)).toBe(other);
  });

  it('rewrites a result only when an error changed', () => {
    let replaced: unknown = null;
    const plugin = inputErrorsPlugin();
    plugin.onResultProcess({ result: { data: { a: 1 } }, setResult: (r) => (replaced = r) });
    expect(replaced).toBeNull();
    plugin.onResultProcess({
      result: { errors: [new GraphQLError('Variable "$v" got invalid value 3 at "v"; Int cannot represent…')] },
      setResult: (r) => (replaced = r),
    });
    expect((replaced as { errors: GraphQLError[] }).errors[0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'v' });
  });
});
