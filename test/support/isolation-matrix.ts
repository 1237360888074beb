import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/** The kinds of a tenant's resources an id can name. */
export type ResourceKind = 'scan' | 'finding' | 'client' | 'apiKey' | 'domain' | 'attestation' | 'clientToken' | 'alertChannel' | 'alertDelivery' | 'schedule';

/**
 * Which resource each ID argument or input field names. `<rootField>.<arg>` first, then
 * `<InputType>.<field>`, then the argument's own name. An ID argument found in none of them fails
 * the matrix (a new field must say what its ids are), so no field escapes the isolation check.
 */
export const ID_KINDS: Record<string, ResourceKind> = {
  'scan.id': 'scan',
  'cancelScan.id': 'scan',
  'scanUpdated.id': 'scan',
  'scanEvents.id': 'scan',
  'report.scanId': 'scan',
  'client.id': 'client',
  'updateClient.id': 'client',
  'revokeApiKey.id': 'apiKey',
  'revokeClientToken.id': 'clientToken',
  'revokeClientToken.jti': 'clientToken',
  'verifyDomain.id': 'domain',
  'removeDomain.id': 'domain',
  'revokeAttestation.id': 'attestation',
  'schedule.id': 'schedule',
  'updateSchedule.id': 'schedule',
  'pauseSchedule.id': 'schedule',
  'deleteSchedule.id': 'schedule',
  'RemediateFindingInput.id': 'finding',
  scanId: 'scan',
  clientId: 'client',
  findingId: 'finding',
  domainId: 'domain',
  channelId: 'alertChannel',
  deliveryId: 'alertDelivery',
};

export interface MatrixCase {
  operation: 'query' | 'mutation' | 'subscription';
  field: string;
  document: string;
  variables: Record<string, unknown>;
  /** Whether an argument names one of the victim's resources (then NOT_FOUND or no data is due). */
  targetsVictim: boolean;
}

export class UnmappedIdError extends Error {}

/**
 * Builds, from the public schema, one operation per root field (and, for fields with optional
 * id arguments, one more without them): every ID argument or input field is set to the victim's
 * resource of its kind, other required values to valid samples, and the selection takes every
 * argument-free field down to `depth`, so any of the victim's data that leaked would be in it.
 */
export function matrixCases(sdl: string, victim: Partial<Record<ResourceKind, string>>, depth = 3): MatrixCase[] {
  const schema = buildSchema(sdl);
  const cases: MatrixCase[] = [];
  const roots = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ] as const;
  for (const [operation, type] of roots) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      const withIds = buildArgs(field, victim, true);
      cases.push(caseOf(schema, operation, field, withIds, depth));
      const optionalIds = field.args.some((a) => !isNonNullType(a.type) && usesIds(a.type, new Set(), `${field.name}.${a.name}`));
      if (optionalIds) cases.push(caseOf(schema, operation, field, buildArgs(field, victim, false), depth));
    }
  }
  return cases;
}

function caseOf(
  schema: GraphQLSchema,
  operation: MatrixCase['operation'],
  field: GraphQLField<unknown, unknown>,
  built: { values: Record<string, unknown>; targetsVictim: boolean },
  depth: number,
): MatrixCase {
  const args = field.args.filter((a) => a.name in built.values);
  const decl = args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const pass = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = selectionOf(getNamedType(field.type), depth);
  const document = `${operation} Isolation${decl ? `(${decl})` : ''} { ${field.name}${pass ? `(${pass})` : ''}${selection} }`;
  void schema;
  return { operation, field: field.name, document, variables: built.values, targetsVictim: built.targetsVictim };
}

function usesIds(type: GraphQLInputType, seen = new Set<string>(), key = ''): boolean {
  const named = getNamedType(type);
  if (isScalarType(named)) return named.name === 'ID' || (named.name === 'String' && key in ID_KINDS);
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((f) => usesIds(f.type, seen, `${named.name}.${f.name}`));
}

function buildArgs(field: GraphQLField<unknown, unknown>, victim: Partial<Record<ResourceKind, string>>, withOptionalIds: boolean): { values: Record<string, unknown>; targetsVictim: boolean } {
  const values: Record<string, unknown> = {};
  let targetsVictim = false;
  const idFor = (key: string, name: string): string => {
    const kind = ID_KINDS[key] ?? ID_KINDS[name];
    if (!kind) throw new UnmappedIdError(`${key}: an ID whose resource kind is not in ID_KINDS (test/support/isolation-matrix.ts)`);
    const id = victim[kind];
    if (!id) throw new UnmappedIdError(`${key}: the matrix has no victim ${kind} to aim it at`);
    targetsVictim = true;
    return id;
  };
  const sample = (type: GraphQLInputType, key: string, name: string, required: boolean): unknown => {
    const nonNull = isNonNullType(type);
    const inner = nonNull ? type.ofType : type;
    if (isListType(inner)) {
      const item = sample(inner.ofType as GraphQLInputType, key, name, true);
      return item === undefined ? [] : [item];
    }
    const named = getNamedType(inner);
    if (isScalarType(named) && named.name === 'ID') return required || withOptionalIds ? idFor(key, name) : undefined;
    // A string that names a resource (a token's jti) is listed under its exact key.
    if (isScalarType(named) && named.name === 'String' && ID_KINDS[key]) return required || withOptionalIds ? idFor(key, name) : undefined;
    if (!required && !nonNull) {
      // Optional: only input objects that carry ids are worth filling (filters by scanId/clientId).
      if (!(isInputObjectType(named) && withOptionalIds && usesIds(named))) return undefined;
    }
    if (isEnumType(named)) return named.getValues()[0]!.value;
    if (isInputObjectType(named)) {
      const obj: Record<string, unknown> = {};
      for (const f of Object.values(named.getFields()) as GraphQLInputField[]) {
        const v = sample(f.type, `${named.name}.${f.name}`, f.name, isNonNullType(f.type) && f.defaultValue === undefined);
        if (v !== undefined) obj[f.name] = v;
      }
      return obj;
    }
    return scalarSample(named.name, name);
  };
  for (const arg of field.args as GraphQLArgument[]) {
    const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
    const v = sample(arg.type, `${field.name}.${arg.name}`, arg.name, required);
    if (v !== undefined) values[arg.name] = v;
  }
  return { values, targetsVictim };
}

let samples = 0;

function scalarSample(type: string, name: string): unknown {
  switch (type) {
    case 'Int':
      return 1;
    case 'Float':
      return 1;
    case 'Boolean':
      return true;
    case 'DateTimeISO':
      return new Date(Date.now() + 86_400_000).toISOString();
    case 'JSONObject':
      return {};
    default:
      // Strings: something valid enough to reach the tenant check (a URL-ish target, a name).
      return /target|url|domain/i.test(name) ? 'https://isolation.example/' : /status/i.test(name) ? 'open' : `isolation matrix ${++samples}`;
  }
}

function selectionOf(type: GraphQLNamedType, depth: number, path: string[] = []): string {
  if (!isObjectType(type)) return '';
  if (depth === 0) return ' { __typename }';
  const parts: string[] = ['__typename'];
  for (const f of Object.values((type as GraphQLObjectType).getFields())) {
    if (f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    const named = getNamedType(f.type);
    if (isObjectType(named)) {
      if (path.includes(named.name)) continue; // no cycles (Finding → Scan → Finding…)
      parts.push(`${f.name}${selectionOf(named, depth - 1, [...path, (type as GraphQLObjectType).name])}`);
    } else {
      parts.push(f.name);
    }
  }
  return ` { ${parts.join(' ')} }`;
}
