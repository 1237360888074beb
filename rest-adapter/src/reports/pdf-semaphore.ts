/** Raised when a slot did not free up in time. */
export class SemaphoreTimeoutError extends Error {
  constructor() {
    super('timed out waiting for a free slot');
  }
}

/**
 * A counting semaphore with a deadline per waiter, in arrival order: the PDF renderer's cap on
 * concurrent Chromium tabs, so a burst of report downloads queues instead of exhausting memory.
 */
export class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly size: number) {}

  /** Resolves with a release function once a slot is held; rejects after `timeoutMs` in the queue. */
  acquire(timeoutMs: number): Promise<() => void> {
    if (this.active < this.size) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        clearTimeout(timer);
        resolve(this.releaser());
      };
      const timer = setTimeout(() => {
        const at = this.waiters.indexOf(grant);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(new SemaphoreTimeoutError());
      }, timeoutMs);
      this.waiters.push(grant);
    });
  }

  /** Renders holding a slot now, and callers queued behind them. */
  get stats(): { active: number; queued: number } {
    return { active: this.active, queued: this.waiters.length };
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The slot passes straight to the next waiter, so `active` never dips and lets a newcomer jump the queue.
      const next = this.waiters.shift();
      if (next) next();
      else this.active--;
    };
  }
}
