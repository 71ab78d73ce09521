// What both propagation work queues (dirty-queue.ts for the work builder and the status
// controller, scheduler-queue.ts for the scheduler) share: a failed key retried after a backoff that
// doubles with each failure in a row, and the promises of callers waiting for the queue to go idle.

const MAX_RETRY_MS = 30_000;

/** Retries of failed keys: the wait doubles from `firstMs` per failure in a row, up to 30 s. */
export class RetryBackoff {
  private readonly firstMs: number;
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(firstMs = 500) {
    this.firstMs = firstMs;
  }

  /** Keys waiting for their retry. */
  get waiting(): number {
    return this.timers.size;
  }

  /** Counts one more failure of `key` in a row; returns how long its retry waits. */
  failed(key: string): number {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    return Math.min(this.firstMs * 2 ** (n - 1), MAX_RETRY_MS);
  }

  /** A pass of `key` succeeded: its next failure waits `firstMs` again. */
  succeeded(key: string): void {
    this.failures.delete(key);
  }

  /** Calls `retry` after `delayMs`, replacing a retry of `key` already waiting. Keeps no process alive. */
  schedule(key: string, delayMs: number, retry: () => void): void {
    clearTimeout(this.timers.get(key));
    const t = setTimeout(() => {
      this.timers.delete(key);
      retry();
    }, delayMs);
    t.unref();
    this.timers.set(key, t);
  }

  /** Drops every waiting retry (shutdown). */
  cancel(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}

/** Callers of a queue's idle(), resolved together when it has nothing left to do. */
export class IdleWaiters {
  private waiters: (() => void)[] = [];

  /** Resolves at once when `idle`, else on the next notify(true). */
  wait(idle: boolean): Promise<void> {
    if (idle) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  notify(idle: boolean): void {
    if (!idle) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
