import { describe, expect, it } from 'vitest';
import { Semaphore, SemaphoreTimeoutError } from './pdf-semaphore.js';

describe('Semaphore', () => {
  it('holds at most its size at once and hands slots over in arrival order', async () => {
    const sem = new Semaphore(2);
    const order: number[] = [];
    const a = await sem.acquire(1_000);
    const b = await sem.acquire(1_000);
    const waiting = [3, 4].map((n) => sem.acquire(1_000).then((release) => (order.push(n), release)));
    expect(sem.stats).toEqual({ active: 2, queued: 2 });
    a();
    a(); // releasing twice frees one slot, not two
    const third = await waiting[0];
    expect(order).toEqual([3]);
    expect(sem.stats).toEqual({ active: 2, queued: 1 });
    b();
    (await waiting[1])();
    third();
    expect(sem.stats).toEqual({ active: 0, queued: 0 });
    expect(order).toEqual([3, 4]);
  });

  it('rejects a waiter whose deadline passes and forgets it', async () => {
    const sem = new Semaphore(1);
    const held = await sem.acquire(1_000);
    await expect(sem.acquire(20)).rejects.toBeInstanceOf(SemaphoreTimeoutError);
    expect(sem.stats).toEqual({ active: 1, queued: 0 });
    held();
    (await sem.acquire(20))();
    expect(sem.stats).toEqual({ active: 0, queued: 0 });
  });
});
