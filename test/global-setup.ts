import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../lib/db/embedded.js';
import { migrateModule, openModuleOrm } from '../lib/db/orm.js';
import { freePort } from '../lib/net/free-port.js';
import { createLogger } from '../lib/logger.js';
import { billingDb } from '../subgraphs/billing/src/module.js';
import { clientsDb } from '../subgraphs/clients/src/module.js';
import { findingsDb } from '../subgraphs/findings/src/module.js';
import { scansDb } from '../subgraphs/scans/src/module.js';

export const TEMPLATE_DB = 'fixfirst_test_template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Server URL (any database) the test files create their own databases on. */
    pgServerUrl: string;
  }
}

/**
 * One real PostgreSQL for the run: embedded by default, or TEST_DATABASE_URL's server. Migrations
 * run once into a template database; each test file clones it (CREATE DATABASE … TEMPLATE).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let db: EmbeddedDatabase | null = null;
  let dataDir: string | null = null;
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'fixfirst-test-pg-'));
    db = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres', log: createLogger('test-pg', 'warn') });
    serverUrl = db.url;
  }
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${TEMPLATE_DB}`);
  await admin.query(`create database ${TEMPLATE_DB}`);
  await admin.end();
  const templateUrl = withDatabase(serverUrl, TEMPLATE_DB);
  for (const spec of [clientsDb, billingDb, scansDb, findingsDb]) {
    const orm = await openModuleOrm(spec, { url: templateUrl, poolMax: 2 });
    try {
      await migrateModule(orm, templateUrl);
    } finally {
      await orm.close();
    }
  }
  project.provide('pgServerUrl', serverUrl);
  return async () => {
    await db?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
