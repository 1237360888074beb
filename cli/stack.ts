import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { persistedSecret } from '../lib/auth/persisted-secret.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../lib/db/embedded.js';
import { migrateModule, openModuleOrm, type ModuleDbSpec } from '../lib/db/orm.js';
import { freePort, waitForHttpOk } from '../lib/net/free-port.js';
import type { Logger } from '../lib/logger.js';
import { REPO_ROOT } from '../lib/paths.js';
import { billingDb } from '../subgraphs/billing/src/module.js';
import { clientsDb, CredentialService } from '../subgraphs/clients/src/module.js';
import { findingsDb } from '../subgraphs/findings/src/module.js';
import { scansDb } from '../subgraphs/scans/src/module.js';
import { SUBGRAPHS, type SubgraphName } from './services.js';

const SERVICE_SCRIPT = path.join(REPO_ROOT, 'dist', 'cli', 'start-service.js');
const PORT_VARS: Record<SubgraphName, string> = { scans: 'SCANS_PORT', findings: 'FINDINGS_PORT', clients: 'CLIENTS_PORT', billing: 'BILLING_PORT' };
const URL_VARS: Record<SubgraphName, string> = { scans: 'SCANS_URL', findings: 'FINDINGS_URL', clients: 'CLIENTS_URL', billing: 'BILLING_URL' };
const MODULES: ModuleDbSpec[] = [clientsDb, billingDb, scansDb, findingsDb];

export interface StackOptions {
  /** Use this PostgreSQL; unset: embedded PostgreSQL under dataDir. */
  databaseUrl?: string;
  dataDir: string;
  embeddedPort?: number;
  gatewayPort?: number;
  /** The REST adapter's port; unset: a free one. */
  restPort?: number;
  /** 0 for each: pick free ports. */
  subgraphPorts?: Partial<Record<SubgraphName, number>>;
  workers?: number;
  /** Extra environment for every service (e.g. SCAN_ALLOW_CIDRS). */
  env?: Record<string, string>;
  /** Where children write: 'inherit' (npm start) or a log file (tests). */
  output: 'inherit' | string;
  log: Logger;
}

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/** Everything `npm start` runs (subgraphs, gateway, REST adapter, workers), each service its own OS process. */
export class Stack {
  readonly services: ServiceProcess[] = [];
  private workerCount = 0;
  private out: WriteStream | null = null;

  private constructor(
    readonly opts: StackOptions,
    readonly databaseUrl: string,
    readonly secret: string,
    private readonly db: EmbeddedDatabase | null,
    readonly gatewayUrl: string,
    /** The REST adapter's base URL (both published REST APIs, /docs). */
    readonly restUrl: string,
    private readonly baseEnv: Record<string, string>,
    readonly bootstrapKey: string | null,
  ) {}

  static async start(opts: StackOptions): Promise<Stack> {
    const db = opts.databaseUrl
      ? null
      : await startEmbeddedPostgres({ dataDir: opts.dataDir, port: opts.embeddedPort ?? 54329, log: opts.log });
    const databaseUrl = opts.databaseUrl ?? db!.url;
    try {
      // Migrate every module once, up front; services then start with MIGRATE_ON_BOOT=false.
      let bootstrapKey: string | null = null;
      for (const spec of MODULES) {
        const orm = await openModuleOrm(spec, { url: databaseUrl, poolMax: 2 });
        try {
          await migrateModule(orm, databaseUrl);
          if (spec === clientsDb) {
            const boot = await new CredentialService(orm.em.fork(), opts.env?.API_KEY_PREFIX ?? process.env.API_KEY_PREFIX ?? 'fxv_').bootstrap({
              accountName: process.env.BOOTSTRAP_ACCOUNT_NAME ?? 'Operator',
              bootstrapKey: opts.env?.BOOTSTRAP_API_KEY ?? process.env.BOOTSTRAP_API_KEY,
            });
            bootstrapKey = boot.generatedKey;
            // Shown at once: should a later step fail, the key must not be lost unseen.
            if (bootstrapKey && opts.output === 'inherit') {
              process.stdout.write(`\nOperator API key (shown once, store it now): ${bootstrapKey}\n\n`);
            }
          }
        } finally {
          await orm.close();
        }
      }
      // Alert channels' URLs and webhook secrets are encrypted under a key derived from this secret,
      // so it survives restarts too (kept under the data directory) unless one is configured.
      const secret = opts.env?.INTERNAL_TOKEN_SECRET ?? process.env.INTERNAL_TOKEN_SECRET ?? (await persistedSecret(opts.dataDir, 'internal-token-secret'));
      const ports: Record<string, number> = {};
      for (const name of SUBGRAPHS) ports[name] = opts.subgraphPorts?.[name] || (await freePort());
      const gatewayPort = opts.gatewayPort ?? (await freePort());
      const restPort = opts.restPort ?? (await freePort());
      const baseEnv: Record<string, string> = {
        ...stringEnv(process.env),
        ...opts.env,
        DATABASE_URL: databaseUrl,
        INTERNAL_TOKEN_SECRET: secret,
        // Client tokens live a year: their secret survives restarts (kept under the data directory).
        CLIENT_TOKEN_SECRET: opts.env?.CLIENT_TOKEN_SECRET ?? process.env.CLIENT_TOKEN_SECRET ?? (await persistedSecret(opts.dataDir, 'client-token-secret')),
        MIGRATE_ON_BOOT: 'false',
        GATEWAY_PORT: String(gatewayPort),
        REST_PORT: String(restPort),
        GATEWAY_URL: `http://127.0.0.1:${gatewayPort}/graphql`,
        // Scan.reportUrl links point at this stack's REST adapter unless the caller says otherwise.
        REST_PUBLIC_URL: opts.env?.REST_PUBLIC_URL ?? process.env.REST_PUBLIC_URL ?? `http://127.0.0.1:${restPort}`,
      };
      for (const name of SUBGRAPHS) {
        baseEnv[PORT_VARS[name]] = String(ports[name]);
        baseEnv[URL_VARS[name]] = `http://127.0.0.1:${ports[name]}/graphql`;
      }
      const stack = new Stack(opts, databaseUrl, secret, db, `http://127.0.0.1:${gatewayPort}/graphql`, `http://127.0.0.1:${restPort}`, baseEnv, bootstrapKey);
      if (opts.output !== 'inherit') stack.out = createWriteStream(opts.output, { flags: 'a' });
      try {
        // Everything starts at once: none of them needs another to boot (the gateway reaches the
        // subgraphs per request, workers only need the database).
        await Promise.all([
          ...SUBGRAPHS.map(async (name) => {
            const p = stack.spawn(name, ['subgraph', name], {});
            await waitForHttpOk(`http://127.0.0.1:${ports[name]}/readyz`, 60_000, () => p.child.exitCode === null);
          }),
          (async () => {
            const gw = stack.spawn('gateway', ['gateway'], {});
            await waitForHttpOk(`http://127.0.0.1:${gatewayPort}/healthz`, 60_000, () => gw.child.exitCode === null);
          })(),
          (async () => {
            // Needs no other service to boot (it reaches the gateway per request): /healthz, not /readyz.
            const rest = stack.spawn('rest', ['rest'], {});
            await waitForHttpOk(`http://127.0.0.1:${restPort}/healthz`, 60_000, () => rest.child.exitCode === null);
          })(),
          ...Array.from({ length: opts.workers ?? 1 }, () => stack.startWorker()),
        ]);
      } catch (err) {
        await stack.stop();
        throw err;
      }
      return stack;
    } catch (err) {
      await db?.stop();
      throw err;
    }
  }

  private spawn(name: string, args: string[], env: Record<string, string>): ServiceProcess {
    const child = spawn(process.execPath, [SERVICE_SCRIPT, ...args], {
      cwd: REPO_ROOT,
      env: { ...this.baseEnv, ...env },
      stdio: this.out ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    });
    if (this.out) {
      const prefix = (chunk: Buffer) => this.out!.write(chunk.toString().replace(/^(?=.)/gm, `[${name}] `));
      child.stdout!.on('data', prefix);
      child.stderr!.on('data', prefix);
    }
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const proc = { name, child, exited };
    this.services.push(proc);
    return proc;
  }

  /** Where a subgraph listens (to show that calling it directly, bypassing the gateway, fails). */
  subgraphUrl(name: SubgraphName): string {
    return this.baseEnv[URL_VARS[name]]!;
  }

  /** Starts one more worker process and waits until it is ready. */
  async startWorker(env: Record<string, string> = {}): Promise<ServiceProcess> {
    const port = await freePort();
    const proc = this.spawn(`worker-${++this.workerCount}`, ['worker'], { WORKER_HEALTH_PORT: String(port), ...env });
    await waitForHttpOk(`http://127.0.0.1:${port}/readyz`, 60_000, () => proc.child.exitCode === null);
    return proc;
  }

  /** Starts a standalone scheduler (`npm run start:scheduler`) and waits until it is ready. */
  async startScheduler(env: Record<string, string> = {}): Promise<ServiceProcess> {
    const port = await freePort();
    const proc = this.spawn(`scheduler-${port}`, ['scheduler'], { SCHEDULER_HEALTH_PORT: String(port), ...env });
    await waitForHttpOk(`http://127.0.0.1:${port}/readyz`, 60_000, () => proc.child.exitCode === null);
    return proc;
  }

  /** Stops every service (SIGTERM, then SIGKILL after a grace period) and the embedded database. */
  async stop(): Promise<void> {
    await Promise.all(
      this.services.map(async (s) => {
        if (s.child.exitCode !== null || s.child.signalCode !== null) return;
        s.child.kill('SIGTERM');
        const timer = setTimeout(() => s.child.kill('SIGKILL'), 15_000);
        await s.exited;
        clearTimeout(timer);
      }),
    );
    this.out?.end();
    await this.db?.stop();
  }
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
