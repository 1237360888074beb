import { describe, expect, it } from 'vitest';
import { cancellable, Wakeup } from './notify-bus.js';

describe('cancellable streams', () => {
  it('ends a generator parked in a wait when the consumer returns, releasing what it holds', async () => {
    const wake = new Wakeup();
    let released = false;
    let listeners = 0;
    const stream = cancellable(async function* (signal) {
      listeners++;
      try {
        yield 1;
        for (;;) {
          await wake.wait(signal); // nothing will ever signal it
          if (signal.aborted) return;
          yield 2;
        }
      } finally {
        listeners--;
        released = true;
      }
    });
    expect(await stream.next()).toEqual({ value: 1, done: false });
    const parked = stream.next(); // now waiting inside the generator
    expect(await stream.return(undefined)).toEqual({ value: undefined, done: true });
    expect(await parked).toEqual({ value: undefined, done: true });
    expect(released).toBe(true);
    expect(listeners).toBe(0);
  });

  it('a plain generator would have stayed parked: the wait only ends on a signal or abort', async () => {
    const wake = new Wakeup();
    const ac = new AbortController();
    let ended = false;
    const waiting = wake.wait(ac.signal).then(() => (ended = true));
    await Promise.resolve();
    expect(ended).toBe(false);
    ac.abort();
    await waiting;
    expect(ended).toBe(true);
  });

  it('remembers a signal given before the wait (level-triggered)', async () => {
    const wake = new Wakeup();
    wake.signal();
    await wake.wait(); // returns at once
    let second = false;
    const p = wake.wait().then(() => (second = true));
    await Promise.resolve();
    expect(second).toBe(false);
    wake.signal();
    await p;
    expect(second).toBe(true);
  });
});
