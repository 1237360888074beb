import { cancellable, Wakeup } from '../../../../lib/db/notify-bus.js';
import { BadUserInputError, NotFoundError } from '../../../../lib/errors.js';
import type { FindingsContext } from '../context.js';
import type { FindingChangeEntity } from './finding-change.entity.js';
import { FindingChangeRepository } from './finding-change.repository.js';
import type { FindingEntity } from './finding.entity.js';

/** What the subscription yields: a change and the finding it is about, read when delivered. */
export interface FindingChangeEvent {
  change: FindingChangeEntity;
  finding: FindingEntity;
}

const BATCH = 200;

/**
 * The caller's finding changes as feed updates record them: from `after` (a cursor of an earlier
 * change) when given, else from now. Checks the arguments before the stream starts, so a foreign
 * client or a bad cursor is an error of the subscribe call with its code, not a broken stream.
 * Listens before reading, reads every change after the last delivered one on each wake-up, so
 * none is skipped or repeated. Never ends by itself.
 */
export async function findingChangeStream(ctx: FindingsContext, clientId: string | null, after: string | null): Promise<AsyncGenerator<FindingChangeEvent>> {
  const { tenant } = ctx;
  if (after !== null && !/^\d{1,18}$/.test(after)) throw new BadUserInputError([{ field: 'after', message: 'is not a cursor returned by findingChanged' }]);
  if (clientId !== null) {
    // A foreign client is not found, whether the credential is narrowed to another client or the
    // id belongs to another account.
    if (tenant.clientId && tenant.clientId !== clientId) throw new NotFoundError('Client');
    await ctx.services.clients(tenant).get(clientId);
  }
  const from = after !== null ? Number(after) : await new FindingChangeRepository(ctx.em, tenant).newestId();
  return cancellable((signal) => stream(ctx, clientId, from, signal));
}

async function* stream(ctx: FindingsContext, clientId: string | null, from: number, signal: AbortSignal): AsyncGenerator<FindingChangeEvent> {
  const wake = new Wakeup();
  const stop = ctx.services.changes.listen(ctx.tenant.accountId, () => wake.signal());
  try {
    // Listening now: read everything after `from` once before waiting, so a change committed
    // between the subscribe call and this point is not left for the next wake-up.
    let last = from;
    while (!signal.aborted) {
      ctx.renew(); // each batch shows its findings as they are now
      const changes = await new FindingChangeRepository(ctx.em, ctx.tenant).after(last, clientId, BATCH);
      const findings = new Map((await ctx.findings.findMany([...new Set(changes.map((c) => c.findingId))])).map((f) => [f.id, f]));
      for (const change of changes) {
        last = change.id;
        const finding = findings.get(change.findingId);
        if (finding) yield { change, finding };
      }
      if (changes.length < BATCH) await wake.wait(signal);
    }
  } finally {
    stop();
  }
}
