import 'reflect-metadata';
import { startService } from './services.js';

/**
 * Runs one service from env config, for scale-out against a shared PostgreSQL:
 *   node dist/cli/start-service.js gateway | subgraph <scans|findings|clients|billing> | worker | rest
 * Stops cleanly on SIGINT/SIGTERM.
 */
const [kind, name] = process.argv.slice(2);
try {
  const service = await startService(kind ?? '', name);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(1), 15_000);
    timer.unref();
    await service.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
