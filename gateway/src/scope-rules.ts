import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Scope } from '../../lib/auth/tenant.js';

/** `null`: any valid credential may call the field (its answer is still limited to the caller's tenant). */
export type RootFieldRule = Scope | null;
export type RootType = 'Query' | 'Mutation' | 'Subscription';

/**
 * The scope each public root field needs, checked at the gateway before any subgraph is called.
 * Every root field of schema/public.graphql must be listed (a unit test fails otherwise), and a
 * field missing at runtime is refused: a new field is closed until someone decides its scope.
 * Every rule names a field that exists (a second test), so a renamed field leaves no stale rule.
 */
export const ROOT_FIELD_SCOPES: Record<RootType, Record<string, RootFieldRule>> = {
  Query: {
    // Who am I, and the catalogue: any credential.
    me: null,
    plans: null,
    // A client's own record is visible to whoever may see its scans (scans expose `client`).
    client: null,
    clients: null,
    checks: 'scans:read',
    scan: 'scans:read',
    scans: 'scans:read',
    schedules: 'scans:read',
    schedule: 'scans:read',
    domains: 'scans:read',
    attestations: 'scans:read',
    findings: 'findings:read',
    findingMetrics: 'findings:read',
    clientsAffected: 'findings:read',
    intelStatus: 'findings:read',
    // Alerts: reading channels and their delivery logs is reading findings data; changing or firing them is administration.
    alertChannels: 'findings:read',
    alertDeliveries: 'findings:read',
    apiKeys: 'clients:admin',
  },
  Mutation: {
    createScan: 'scans:write',
    cancelScan: 'scans:write',
    scheduleScan: 'scans:write',
    pauseSchedule: 'scans:write',
    updateSchedule: 'scans:write',
    deleteSchedule: 'scans:write',
    addDomain: 'scans:write',
    verifyDomain: 'scans:write',
    removeDomain: 'scans:write',
    attestTarget: 'scans:write',
    revokeAttestation: 'scans:write',
    remediateFinding: 'findings:write',
    configureAlerts: 'clients:admin',
    updateAlertChannel: 'clients:admin',
    deleteAlertChannel: 'clients:admin',
    redeliverAlert: 'clients:admin',
    testAlert: 'clients:admin',
    createApiKey: 'clients:admin',
    revokeApiKey: 'clients:admin',
    createClient: 'clients:admin',
    updateClient: 'clients:admin',
    registerClient: 'clients:admin',
    revokeClientToken: 'clients:admin',
    updateAccountBranding: 'clients:admin',
    createCheckoutSession: 'billing:admin',
  },
  Subscription: {
    scanUpdated: 'scans:read',
    scanEvents: 'scans:read',
    findingChanged: 'findings:read',
  },
};

const ROOT_OF: Record<OperationDefinitionNode['operation'], RootType> = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' };

/** What an operation lacks: each root field whose scope the caller does not hold, or has no rule. */
export interface ScopeShortfall {
  field: string;
  /** null when the field has no rule at all (refused: closed by default). */
  scope: Scope | null;
}

/**
 * The root fields of the operation `operationName` selects (or the only one), through fragments,
 * with the scope each needs that `scopes` lacks. Meta fields (`__typename`, introspection) need none:
 * introspection is governed by its own setting.
 */
export function missingScopes(document: DocumentNode, operationName: string | null | undefined, scopes: readonly string[]): ScopeShortfall[] {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return [];
  const rules = ROOT_FIELD_SCOPES[ROOT_OF[operation.operation]];
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  const out: ScopeShortfall[] = [];
  for (const field of rootFields(operation.selectionSet, fragments, new Set())) {
    if (field.startsWith('__')) continue;
    if (!Object.hasOwn(rules, field)) out.push({ field, scope: null });
    else {
      const scope = rules[field]!;
      if (scope !== null && !scopes.includes(scope)) out.push({ field, scope });
    }
  }
  return out;
}

function rootFields(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>): Set<string> {
  const names = new Set<string>();
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) names.add(s.name.value);
    else if (s.kind === Kind.INLINE_FRAGMENT) for (const n of rootFields(s.selectionSet, fragments, seen)) names.add(n);
    else {
      const fragment = fragments.get(s.name.value);
      if (!fragment || seen.has(s.name.value)) continue;
      seen.add(s.name.value);
      for (const n of rootFields(fragment.selectionSet, fragments, seen)) names.add(n);
    }
  }
  return names;
}

/** One sentence naming every missing scope and the fields that need it. */
export function describeShortfall(shortfall: ScopeShortfall[]): string {
  const byScope = new Map<string, string[]>();
  for (const s of shortfall) if (s.scope) byScope.set(s.scope, [...(byScope.get(s.scope) ?? []), s.field]);
  const sentences: string[] = [];
  if (byScope.size) sentences.push(`This credential lacks ${[...byScope].map(([scope, fields]) => `the ${scope} scope (needed by ${fields.join(', ')})`).join(' and ')}`);
  const unknown = shortfall.filter((s) => s.scope === null).map((s) => s.field);
  if (unknown.length) sentences.push(`${unknown.join(', ')} ${unknown.length === 1 ? 'has' : 'have'} no access rule at the gateway and ${unknown.length === 1 ? 'is' : 'are'} refused`);
  return sentences.join('; ');
}
