import { describe, expect, it } from 'vitest';
import { ALERT_EVALUATE_QUEUE, type ScanOutcome } from './alert-queue.js';
import { queueScanEvaluation } from './alert-worker.js';

/** The queue is the boundary faked here: what matters is what is sent, and that a refusal is not swallowed. */
const ENDED: ScanOutcome = { scanId: '0190a8e0-0000-7000-8000-000000000001', accountId: 'a', clientId: 'c', status: 'COMPLETED', target: 'https://shop.example/', error: null };

function fakeQueue(fail = false) {
  const sent: { name: string; data: unknown; options: unknown }[] = [];
  return {
    sent,
    send: async (name: string, data: unknown, options: unknown) => {
      if (fail) throw new Error('connection terminated');
      sent.push({ name, data, options });
      return 'job-id';
    },
  };
}

describe('queueScanEvaluation', () => {
  it('queues one evaluation of an ended scan, keyed by the scan', async () => {
    const queue = fakeQueue();
    expect(await queueScanEvaluation(queue as never, async () => ENDED, ENDED.scanId)).toBe(true);
    expect(queue.sent).toEqual([{ name: ALERT_EVALUATE_QUEUE, data: ENDED, options: { singletonKey: `scan:${ENDED.scanId}` } }]);
  });

  it('queues nothing for a scan still running or cancelled', async () => {
    const queue = fakeQueue();
    expect(await queueScanEvaluation(queue as never, async () => null, ENDED.scanId)).toBe(false);
    expect(queue.sent).toEqual([]);
  });

  it('throws when the queue refuses, so the scan job fails and is retried rather than the alerts lost', async () => {
    await expect(queueScanEvaluation(fakeQueue(true) as never, async () => ENDED, ENDED.scanId)).rejects.toThrow('connection terminated');
  });
});
