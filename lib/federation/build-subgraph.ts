import { parse, type GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { buildSchema, createResolversMap, type NonEmptyArray } from 'type-graphql';

/** The one pinned Federation version; every subgraph links it. */
export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@tag"])';

/** `__resolveReference` per entity type name. */
export type ReferenceResolvers = Record<string, (reference: any, context: any, info: any) => unknown>;

export interface FederatedSchema {
  schema: GraphQLSchema;
  /** The subgraph SDL as composed (`schema/<name>.graphql`). */
  sdl: string;
}

/**
 * Builds a Federation 2 subgraph from type-graphql resolvers: print the type-graphql schema with
 * its directives (`@key` lives only in the AST), prepend the `@link`, keep type-graphql's resolver
 * map (it carries the subscribe functions), add `__resolveReference` per entity.
 */
export async function buildFederatedSchema(opts: {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: NonEmptyArray<Function>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  orphanedTypes?: Function[];
  references?: ReferenceResolvers;
}): Promise<FederatedSchema> {
  const built = await buildSchema({
    resolvers: opts.resolvers,
    orphanedTypes: opts.orphanedTypes,
    validate: false,
    emitSchemaFile: false,
    // type-graphql insists on a PubSub when any subscription exists, even one with its own
    // `subscribe` function (ours read LISTEN/NOTIFY events). Topic-based use is a bug: say so.
    pubSub: {
      publish: () => {
        throw new Error('topic-based subscriptions are not used: give @Subscription a subscribe function');
      },
      subscribe: () => {
        throw new Error('topic-based subscriptions are not used: give @Subscription a subscribe function');
      },
    },
  });
  const printed = printSchemaWithDirectives(built)
    // the schema definition is implied by the root type names
    .replace(/^schema \{[^}]*\}\s*/m, '');
  const sdl = `${FEDERATION_LINK}\n\n${printed.trim()}\n`;
  const resolvers = createResolversMap(built) as Record<string, Record<string, unknown>>;
  for (const [typeName, resolve] of Object.entries(opts.references ?? {})) {
    const existing = (resolvers[typeName] ?? {}) as Record<string, unknown>;
    resolvers[typeName] = { ...existing, __resolveReference: resolve };
  }
  const schema = buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers: resolvers as never }]);
  return { schema, sdl };
}
