import { MikroORM, type EntityManager, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { MigrationObject } from '@mikro-orm/core';
import pg from 'pg';

/** Every PostgreSQL schema of the database: the four modules', pg-boss's and the default one. */
export const ALL_SCHEMAS = ['scans', 'findings', 'clients', 'billing', 'pgboss', 'public'];

/** What a module needs to own its slice of the database: its schema, entities and migrations. */
export interface ModuleDbSpec {
  /** PostgreSQL schema owned by the module (`scans`, `findings`, `clients`, `billing`). */
  schema: string;
  entities: NonNullable<Options['entities']>;
  migrations: MigrationObject[];
}

export interface OrmOptions {
  url: string;
  poolMax?: number;
  debug?: boolean;
}

/** Opens a MikroORM instance for one module; it sees only that module's schema and entities. */
export async function openModuleOrm(spec: ModuleDbSpec, opts: OrmOptions): Promise<MikroORM> {
  return MikroORM.init({
    clientUrl: opts.url,
    schema: spec.schema,
    entities: spec.entities,
    extensions: [Migrator],
    migrations: {
      tableName: 'mikro_orm_migrations',
      migrationsList: spec.migrations,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
      silent: true,
    },
    // One database, one schema per module: a module's schema diff must never see the others.
    schemaGenerator: { ignoreSchema: ALL_SCHEMAS.filter((s) => s !== spec.schema) },
    pool: { min: 0, max: opts.poolMax ?? 5 },
    debug: opts.debug ?? false,
    ensureDatabase: false,
    allowGlobalContext: false,
    // Each module's own context: inside one module's em.transactional, a call into another
    // module's service must use that module's EntityManager, not pick up the open transaction
    // (MikroORM finds it by context name; the shared default name made it cross modules).
    contextName: spec.schema,
  });
}

/** Applies the module's pending migrations under an advisory lock, so replicas may race safely. */
export async function migrateModule(orm: MikroORM, url: string): Promise<string[]> {
  const schema = orm.config.get('schema')!;
  // A session-level lock needs one connection held for the whole run: a plain client.
  const lock = new pg.Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [hashLockKey(`fixfirst:migrate:${schema}`)]);
    await lock.query(`create schema if not exists "${schema}"`);
    const done = await orm.migrator.up();
    return done.map((m) => m.name);
  } finally {
    await lock.end();
  }
}

function hashLockKey(name: string): number {
  let h = 0;
  for (const ch of name) h = (Math.imul(31, h) + ch.charCodeAt(0)) | 0;
  return h;
}

export type { MikroORM, EntityManager };

/** Readiness: can this module run a query right now? */
export async function databaseReachable(orm: MikroORM): Promise<boolean> {
  try {
    await orm.em.getConnection().execute('select 1');
    return true;
  } catch {
    return false;
  }
}
