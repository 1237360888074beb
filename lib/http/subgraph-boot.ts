import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { IdentitySigner, type Identity } from '../auth/identity.js';
import { databaseReachable, migrateModule, openModuleOrm, type ModuleDbSpec } from '../db/orm.js';
import type { FederatedSchema } from '../federation/build-subgraph.js';
import type { Logger } from '../logger.js';
import { serveSubgraph, type RunningServer } from './subgraph-server.js';

/** Opens a module's ORM and, unless told not to, applies its migrations. */
export async function openModule(spec: ModuleDbSpec, url: string, opts: { migrate: boolean; poolMax: number; log: Logger }): Promise<MikroORM> {
  const orm = await openModuleOrm(spec, { url, poolMax: opts.poolMax });
  if (opts.migrate) {
    const applied = await migrateModule(orm, url);
    if (applied.length) opts.log.info({ schema: spec.schema, applied }, 'migrations applied');
  }
  return orm;
}

/** Boots one subgraph: its ORM, its schema, its server; each request gets a forked EntityManager. */
export async function bootSubgraph<TContext extends object>(opts: {
  name: string;
  orm: MikroORM;
  schema: FederatedSchema;
  host: string;
  port: number;
  secret: string;
  log: Logger;
  context(identity: Identity, em: EntityManager): TContext;
  ready?: () => Promise<boolean>;
  onClose?: () => Promise<void>;
  /** Plain HTTP routes beside /graphql (see serveSubgraph). */
  routes?: Parameters<typeof serveSubgraph>[0]['routes'];
}): Promise<RunningServer> {
  const server = await serveSubgraph({
    name: opts.name,
    schema: opts.schema.schema,
    host: opts.host,
    port: opts.port,
    signer: new IdentitySigner(opts.secret),
    log: opts.log,
    context: (identity) => opts.context(identity, opts.orm.em.fork() as EntityManager),
    ready: async () => (await databaseReachable(opts.orm)) && (opts.ready ? await opts.ready() : true),
    routes: opts.routes,
  });
  return {
    ...server,
    close: async () => {
      await server.close();
      await opts.onClose?.();
      await opts.orm.close();
    },
  };
}
